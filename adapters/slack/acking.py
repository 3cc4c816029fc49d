"""Answer Slack the moment a listener acks, and let the rest of its work go on after — with no poll.

Bolt's default mode (`process_before_response=False`) starts a listener as a task and then polls
`ack.response` every 10 ms (`slack_bolt/listener/asyncio_runner.py`), so every answer waits for the
next poll: about 10 ms of each slash command's round trip, and a timer wake-up per request per poll
under load (issue 20). Redflag runs Bolt with `process_before_response=True`, where Bolt awaits the
listener and answers when it returns, and `Continuations.listener` gives each listener the default
mode's behaviour back without the poll: the listener runs as a task, Bolt's answer goes out as soon
as the listener acks (or returns), and what it does after its ack (a second message, files, a modal,
a DM) goes on in the task. An error before the ack reaches Bolt's error handler as before (Slack sees
a 500); one after it is logged. Listeners that take no `ack` (events, which Bolt acks itself) run
wholly after Bolt's answer, as Bolt's default mode had them.

A listener that knows at its ack what is left to do can be registered as it is, awaited by Bolt, and
hand that rest to `start`: Bolt answers when it returns, and no task is made when nothing follows the
ack. The slash commands' listener does so (`listeners/commands.py`): an `/incident` answered in its ack
then costs the loop no second task, no future and no extra wake-up before its answer goes out (issue 20,
tenth pass: 6–11 % less server CPU per request at concurrency 20 in alternated runs, docs/bench.md).

The tasks are kept (the event loop holds only weak references to them) and `drain` waits for them
when the service stops, so a reply being posted is not cut off by a shutdown.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Awaitable, Callable

from slack_bolt.util.utils import get_arg_names_of_callable

log = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[Any]]


#: How a listener's answer went out: it acked, or it returned (or failed) without acking.
ACKED, RETURNED = "acked", "returned"


class Continuations:
    """The listeners' tasks still running after their ack."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def listener(self, fn: Listener) -> Listener:
        """`fn` as a Bolt listener answered at its ack; Bolt still injects `fn`'s own arguments (`wraps`)."""
        if "ack" not in get_arg_names_of_callable(fn):
            @functools.wraps(fn)
            async def after_bolt_acks(**kwargs: Any) -> None:
                self._keep(asyncio.ensure_future(fn(**kwargs)), None)

            return after_bolt_acks

        @functools.wraps(fn)
        async def answered_at_ack(**kwargs: Any) -> None:
            answered: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            bolt_ack = kwargs["ack"]

            async def ack(*args: Any, **more: Any) -> Any:
                result = await bolt_ack(*args, **more)
                if not answered.done():
                    answered.set_result(ACKED)
                return result

            kwargs["ack"] = ack
            task = self._keep(asyncio.ensure_future(fn(**kwargs)), answered)
            if await answered == RETURNED and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]  # failed before its ack: Bolt's error handler answers

        return answered_at_ack

    def start(self, work: Awaitable[Any]) -> asyncio.Task:
        """Go on with `work` after Bolt's answer (the listener has acked and returns); kept for `drain`,
        and a failure logged, since nobody else will see it."""
        return self._keep(asyncio.ensure_future(work), None)

    def _keep(self, task: asyncio.Task, answered: asyncio.Future[str] | None) -> asyncio.Task:
        self._tasks.add(task)

        def done(finished: asyncio.Task) -> None:
            self._tasks.discard(finished)
            before_ack = answered is not None and not answered.done()
            if before_ack:
                answered.set_result(RETURNED)  # type: ignore[union-attr]
            if finished.cancelled():
                return
            err = finished.exception()
            if err is not None and not before_ack:  # nobody else will see it
                log.error("Slack listener failed after its ack", exc_info=err)

        task.add_done_callback(done)
        return task

    async def drain(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for the listeners still at work; cancel the rest."""
        pending = set(self._tasks)
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=1.0)  # let them unwind (and leave the set)
            log.warning("%d Slack listener(s) still running at shutdown were cancelled", len(late))
