"""moto's server, with DynamoDB writes made atomic the way DynamoDB makes them.

DynamoDB evaluates a conditional write or a transaction atomically: two writers racing on one
condition cannot both succeed. moto's threaded server evaluates conditions without a lock, so two
concurrent requests can both pass `attribute_not_exists(pk)` or `seq = :last`. The product leans on
those guarantees (chat numbering, one DM per person per window, ticket numbers), so the local stack
serializes DynamoDB requests here. SQS and KMS stay concurrent, so a long poll never blocks the
table.

Usage: python infra/moto_server.py -H 127.0.0.1 -p PORT
"""

import argparse
import os
import signal
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

_dynamodb = threading.Lock()


def serialize_dynamodb(app):
    def wrapped(environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            with _dynamodb:
                # Consume the whole response inside the lock: the write happens while it is built.
                body = list(app(environ, start_response))
            return body
        return app(environ, start_response)

    return wrapped


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
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
