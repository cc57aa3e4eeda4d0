"""Test utilities shared by every app's tests (imported by tests only).

Faults are simulated, never caused: the machine's shared Redis is never
stopped. An outage is a closed port, a hang is a listener that accepts
connections and never answers.
"""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

# A broker call may overrun its socket timeout a little on a loaded machine
# (1.66 s was measured for a 1.5 s timeout, +11 %): allow 30 % of the timeout,
# plus 0.1 s for the request around it.
BROKER_TIMEOUT_MARGIN = 0.3
REQUEST_OVERHEAD_SECONDS = 0.1


def broker_wait_bound() -> float:
    """The longest a request may wait on a broken broker, derived from BROKER_SOCKET_TIMEOUT."""
    return settings.BROKER_SOCKET_TIMEOUT * (1 + BROKER_TIMEOUT_MARGIN) + REQUEST_OVERHEAD_SECONDS


def closed_port() -> int:
    """A local port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def hung_listener() -> Iterator[int]:
    """A local port that accepts connections and never answers; yields the port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def browser_login(page, base_url: str, email: str, password: str) -> None:
    """Log in through the site's login page, as a member would."""
    page.goto(f"{base_url}/compte/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()


def browser_open_menu(page) -> None:
    """Open the navigation menu where it is folded (phone size)."""
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible():
        toggle.click()


def threads_at_once(count: int, work) -> list:
    """Run `work(i)` in `count` threads released at the same instant, each on its own database connection.

    Every outcome (a return value or the exception raised) is collected in
    order; each thread closes its connections at the end. Fails if a thread
    never gets an answer.
    """
    from django.db import connections

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - every outcome is collected and asserted
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "some clients never got an answer"
    return results
