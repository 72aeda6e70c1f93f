"""Piccolo configuration: the engine comes from DATABASE_URL (see tracker.settings)."""

from piccolo.conf.apps import AppRegistry

from tracker.settings import engine_from_url, get_settings

DB = engine_from_url(get_settings().database_url)

APP_REGISTRY = AppRegistry(apps=["tracker.piccolo_app"])
