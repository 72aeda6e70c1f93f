"""A demo draw with some callbacks answered. The demo's requests were closed and its fulfilments
confirmed in its own month (November 2026, "today" being the 27th), so the demo draws that month
early, with a fixed seed; in use a month is drawn only after it has ended."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from tracker.auth.tables import User
from tracker.callbacks import queries
from tracker.callbacks.tables import Callback, CallbackDraw
from tracker.settings import TIMEZONE

# (reached, solved, satisfaction, comment) for the first callbacks, in order.
ANSWERS = (
    (True, True, 5, "联络员响应很快，问题已解决。"),
    (True, False, 2, "说是办结了，但电力增容还没落实。"),
    (True, True, 4, ""),
    (False, None, None, "两次拨打无人接听。"),
    (True, False, 3, "答复了，但实际还在等待审批。"),
)


async def add_demo(today: date) -> None:
    coordinator = await User.select(User.id, User.officer).where(User.username == "coordinator").first()
    month = today.strftime("%Y-%m")
    draw_id = await queries.make_draw(month, coordinator["id"] if coordinator else None, percent=40, secret="demo-seed-2026")
    # Drawn on the demo's day (the reminder counts working days from it), not the machine's clock.
    await CallbackDraw.update({CallbackDraw.drawn_at: datetime.combine(today, time(9), TIMEZONE).astimezone(UTC)}).where(
        CallbackDraw.id == draw_id)
    rows = await Callback.select(Callback.id, Callback.assignee, Callback.lead_officer).where(Callback.draw == draw_id).order_by(Callback.id)
    for row, (reached, solved, satisfaction, comment) in zip(rows, ANSWERS):
        await Callback.update({Callback.caller: row["assignee"], Callback.reached: reached, Callback.solved: solved,
                               Callback.satisfaction: satisfaction, Callback.comment: comment, Callback.done_on: today,
                               Callback.recorded_by: coordinator["id"] if coordinator else None}).where(Callback.id == row["id"])
