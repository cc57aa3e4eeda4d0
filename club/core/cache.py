"""Django's Redis cache with one client object per connection pool, kept for the process's life.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for
every cache call (the pool, and so the connections, are shared); building one
costs about 0.1 ms of Python (its table of response callbacks), which a page
or an API write that reads the cache twice pays twice. The object is safe to
share between threads (each command takes a connection from the pool), so it
is built once per pool. Settings use this backend when `CACHE_URL` names Redis.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        django_client: Any = self  # the attributes below are Django's own, which the type stubs leave out
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in django_client._pools:
                django_client._get_connection_pool(write)
            client = django_client._client(connection_pool=django_client._pools[index])
            self._clients[index] = client
        return client


class ClubRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients
