"""WeCom test fixtures (loaded from tests/conftest.py): the fake WeCom server, a clock that
moves only when someone sleeps, and a robot client paced by that clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.helpers.fake_wecom import FakeWeCom
from wecom.robot import RobotClient, RobotPacer


class Clock:
    """Monotonic seconds for the robot pacer: waiting advances them, nothing sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def wecom() -> Iterator[FakeWeCom]:
    """A fake WeCom server on 127.0.0.1 recording every call (see tests/fake_wecom.py)."""
    with FakeWeCom() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def robots(clock: Clock) -> AsyncIterator[RobotClient]:
    """The real robot client over HTTP, paced by `clock` (so 45009 and the 20-a-minute limit
    are waited out without sleeping)."""
    async with httpx.AsyncClient() as http:
        yield RobotClient(http, pacer=RobotPacer(clock=clock, sleep=clock.sleep))
