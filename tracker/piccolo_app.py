import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="tracker",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(
        modules=[
            "tracker.org.tables",
            "tracker.auth.tables",
            "tracker.audit.tables",
            "tracker.calendar.tables",
            "tracker.projects.tables",
            "tracker.liaison.tables",
            "tracker.promises.tables",
            "tracker.meetings.tables",
            "tracker.requests.tables",
            "tracker.savedviews.tables",
            "tracker.notices.tables",
            "tracker.excel.tables",
            "tracker.api.tables",
            "tracker.approvals.tables",
            "tracker.utilities.tables",
            "tracker.visits.tables",
            "tracker.callbacks.tables",
            "tracker.investment.tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
