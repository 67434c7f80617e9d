"""moto's server, with DynamoDB writes made atomic the way DynamoDB makes them.

DynamoDB evaluates a conditional write or a transaction atomically: two writers racing on one
condition cannot both succeed. moto's threaded server evaluates conditions without a lock, so two
concurrent requests can both pass `attribute_not_exists(pk)` or `seq = :last`. The product leans on
those guarantees (chat numbering, one DM per person per window, ticket numbers), so the local stack
serializes DynamoDB requests here. SQS and KMS stay concurrent, so a long poll never blocks the
table.

It also counts DynamoDB requests by operation, so tests and benchmarks can measure what an
action costs: GET /_tamlink/dynamodb-requests returns {"total": n, "by_operation": {...}};
DELETE returns them and starts counting afresh.

With TAMLINK_MOTO_GC=off in its environment, Python's garbage collector is off in this process:
benchmarks use it to tell moto's own collection pauses (a full collection walks moto's copies of
the table) from tamlink's time. Tests leave it on.

A table's stream keeps only what its one reader has not read yet: moto keeps every stream
record for the life of the server, where DynamoDB drops them after 24 hours, and a day's benchmark
writes millions (see `trim_read_stream_records`).

Usage: python infra/moto_server.py -H 127.0.0.1 -p PORT
"""

import argparse
import collections
import json
import os
import signal
import sys
import threading
import gc

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

if os.environ.get("TAMLINK_MOTO_GC") == "off":
    gc.disable()

_dynamodb = threading.Lock()
_counts = collections.Counter()


def _counts_endpoint(environ, start_response):
    with _dynamodb:
        body = json.dumps({"total": sum(_counts.values()), "by_operation": dict(_counts)}).encode()
        if environ["REQUEST_METHOD"] == "DELETE":
            _counts.clear()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def serialize_dynamodb(app):
    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") == "/_tamlink/dynamodb-requests":
            return _counts_endpoint(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB_"):
            with _dynamodb:
                _counts[target.split(".", 1)[-1]] += 1
                # Consume the whole response inside the lock: the write happens while it is built.
                body = list(app(environ, start_response))
            return body
        return app(environ, start_response)

    return wrapped


def trim_read_stream_records():
    """Makes a stream shard forget records once they are read. The local stack has one reader
    per stream (infra/gateway/src/stream.rs), reading in order, so what lies before the position
    it reads from is never read again. Sequence numbers stay as they were: the shard's start
    moves on by what is dropped (moto numbers records as start + index)."""
    from moto.dynamodb.models.table import StreamShard

    original = StreamShard.get

    def get(self, start, quantity):
        records = original(self, start, quantity)
        done = start - self.starting_sequence_number
        if done > 0:
            del self.items[:done]
            self.starting_sequence_number += done
        return records

    StreamShard.get = get


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    trim_read_stream_records()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        serialize_dynamodb(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
