"""moto's server, with DynamoDB writes made atomic the way DynamoDB makes them.

DynamoDB evaluates a conditional write or a transaction atomically: two writers racing on one
condition cannot both succeed. moto's threaded server evaluates conditions without a lock, so two
concurrent requests can both pass `attribute_not_exists(pk)` or `seq = :last`. The product leans on
those guarantees (chat numbering, one DM per person per window, ticket numbers), so the local stack
serializes DynamoDB requests here. SQS and KMS stay concurrent, so a long poll never blocks the
table.

It also counts DynamoDB requests by operation, so tests and benchmarks can measure what an
action costs: GET /_tamlink/dynamodb-requests returns {"total": n, "by_operation": {...},
"sqs": {operation: n}} (SQS requests by operation);
DELETE returns them and starts counting afresh.

With TAMLINK_MOTO_GC=off in its environment, Python's garbage collector is off in this process:
benchmarks use it to tell moto's own collection pauses (a full collection walks moto's copies of
the table) from tamlink's time. Tests leave it on.

A table's stream keeps only what its one reader has not read yet: moto keeps every stream
record for the life of the server, where DynamoDB drops them after 24 hours, and a day's benchmark
writes millions (see `trim_read_stream_records`).

Standard queues act as SQS fair queues (`fair_queues`): messages carry their tenant as
`MessageGroupId`, and while a tenant is a noisy neighbour the quiet tenants' messages are
received first, as the SQS developer guide describes ("How Amazon SQS fair queues work").

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
# SQS requests by operation, for the month benchmark (a receive that got nothing is counted apart:
# the local poller asks far more often than an event source mapping's long poll would).
_sqs_counts = collections.Counter()
_sqs_lock = threading.Lock()
# Requests that change no table, and a count of those that may have (see `cached_table_order`).
_READS = {"GetItem", "BatchGetItem", "Query", "Scan", "DescribeTable", "ListTables",
          "DescribeTimeToLive", "ListTagsOfResource", "DescribeContinuousBackups"}
_table_generation = [0]


def _counts_endpoint(environ, start_response):
    with _dynamodb:
        body = json.dumps({"total": sum(_counts.values()), "by_operation": dict(_counts),
                           "sqs": dict(_sqs_counts)}).encode()
        if environ["REQUEST_METHOD"] == "DELETE":
            _counts.clear()
            _sqs_counts.clear()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def serialize_dynamodb(app):
    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") == "/_tamlink/dynamodb-requests":
            return _counts_endpoint(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB_"):
            op = target.split(".", 1)[-1]
            with _dynamodb:
                _counts[op] += 1
                if op not in _READS:
                    _table_generation[0] += 1
                    if op not in _FOLLOWED_WRITES:
                        _index_epoch[0] += 1
                # Consume the whole response inside the lock: the write happens while it is built.
                body = list(app(environ, start_response))
            return body
        if target.startswith("AmazonSQS."):
            body = list(app(environ, start_response))
            op = target.split(".", 1)[-1]
            if op == "ReceiveMessage" and b'"Messages"' not in b"".join(body):
                op = "ReceiveMessage (empty)"
            with _sqs_lock:
                _sqs_counts[op] += 1
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
        drop_stream_front(self, start - self.starting_sequence_number)
        return records

    StreamShard.get = get


def cached_table_order():
    """Moto answers every Query (of the table or of an index) by sorting all of the table's items
    and walking them, so a query's cost grew with the table: in a simulated month, each of the
    digest sweep's queries took longer than the sweep's minute of real work. The sorted list is
    kept until the next request that may write (requests are serialized, `serialize_dynamodb`);
    queries still walk it, as moto does."""
    from moto.dynamodb.models.table import Table

    original = Table.all_items

    def all_items(self):
        cached = getattr(self, "_tamlink_sorted", None)
        if cached is None or cached[0] != _table_generation[0]:
            cached = (_table_generation[0], original(self))
            self._tamlink_sorted = cached
        return list(cached[1])

    Table.all_items = all_items


TOUCHED_KEPT = 100_000
# An epoch that throws every table's index buckets away (a write this file cannot follow item by
# item, such as CreateTable or UpdateTable; see `indexed_queries`).
_index_epoch = [0]
_FOLLOWED_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def indexed_queries():
    """Moto answers a Query by walking all of the table's items and keeping those with the asked
    key, so each query cost O(table): a simulated day of the chatty organisation took 6 minutes,
    nearly all in queries, and the month three hours. Here a table query starts from moto's own
    bucket for its partition key, and an index query from a bucket per index key value that is
    kept up to date item by item: every put, update and delete (whether alone, in a batch or in a
    transaction) names its item's key, and the next query re-files those items. moto's query then
    runs unchanged on that short list (same filters, order, paging and limits), so answers are the
    same as before, only cheaper."""
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    def follow(method, attrs_arg):
        original = getattr(models.DynamoDBBackend, method)

        def wrapped(self, *args, **kwargs):
            name = kwargs.get("table_name", args[0] if args else None)
            attrs = kwargs.get(attrs_arg, args[1] if len(args) > 1 else None)
            table = self.tables.get(name)
            if table is not None and isinstance(attrs, dict):
                touched = table.__dict__.setdefault("_tamlink_touched", [])
                if len(touched) >= TOUCHED_KEPT:
                    # Nobody has queried an index for a long while: rebuild when someone does.
                    touched.clear()
                    table.__dict__.pop("_tamlink_buckets", None)
                keys = (table.hash_key_attr, table.range_key_attr)
                touched.append({k: attrs[k] for k in keys if k and k in attrs})
            elif table is None and name is not None:
                _index_epoch[0] += 1  # an ARN, or a table that does not exist: start afresh
            return original(self, *args, **kwargs)

        setattr(models.DynamoDBBackend, method, wrapped)

    follow("put_item", "item_attrs")
    follow("update_item", "key")
    follow("delete_item", "key")

    def stored(table, h, r):
        return table.items.get(h, {}).get(r) if table.range_key_attr else table.items.get(h)

    def file_item(table, state, key, item):
        for index in table.all_indexes():
            names = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
            values = tuple(item.attrs.get(n) for n in names)
            if any(v is None for v in values):
                continue
            bucket = (index.name, values)
            state["buckets"][bucket][key] = item
            state["filed"][key].append(bucket)

    def index_buckets(table):
        state = table.__dict__.get("_tamlink_buckets")
        touched = table.__dict__.pop("_tamlink_touched", [])
        if state is None or state["epoch"] != _index_epoch[0]:
            state = {"epoch": _index_epoch[0], "buckets": collections.defaultdict(dict),
                     "filed": collections.defaultdict(list)}
            for bucket in table.items.values():
                for item in bucket.values() if table.range_key_attr else [bucket]:
                    file_item(table, state, (item.hash_key, item.range_key), item)
            table._tamlink_buckets = state
            return state
        for attrs in touched:
            if table.hash_key_attr not in attrs or (
                    table.range_key_attr and table.range_key_attr not in attrs):
                continue  # moto refused the write: nothing changed
            h = DynamoType(attrs[table.hash_key_attr])
            r = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
            for bucket in state["filed"].pop((h, r), ()):
                state["buckets"][bucket].pop((h, r), None)
            item = stored(table, h, r)
            if item is not None:
                file_item(table, state, (h, r), item)
        return state

    original_query = Table.query
    original_all_items = Table.all_items

    def query(self, hash_key, *args, **kwargs):
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        conditions = kwargs.get("hash_key_conditions")
        candidates = None
        if not index_name:
            bucket = self.items.get(hash_key)
            if bucket is None:
                candidates = []
            elif self.range_key_attr:
                candidates = list(bucket.values())
        elif conditions:
            index = next((i for i in self.all_indexes() if i.name == index_name), None)
            asked = dict(conditions)
            names = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index else []
            if names and set(names) == set(asked):
                found = index_buckets(self)["buckets"].get((index_name, tuple(asked[n] for n in names)))
                candidates = list(found.values()) if found else []
        self._tamlink_candidates = candidates
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            self._tamlink_candidates = None

    def all_items(self):
        candidates = getattr(self, "_tamlink_candidates", None)
        return list(candidates) if candidates is not None else original_all_items(self)

    Table.query = query
    Table.all_items = all_items


# Operations whose results moto already builds in wire form (see `plain_json_responses`), by
# service. (Not DeleteItem: moto adds a `ConsumedCapacityUnits` member the shape does not have.)
_PLAIN_JSON = {
    "dynamodb": {"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem",
                 "TransactWriteItems", "BatchWriteItem"},
    # A stream record's images are wire form too; its ApproximateCreationDateTime is a datetime,
    # written as the shape writes a JSON timestamp (`_json_timestamp`).
    "dynamodbstreams": {"GetRecords"},
}


def _json_timestamp(value):
    from datetime import datetime

    from botocore.utils import parse_to_aware_datetime
    from moto.core.serialize import TimestampSerializer

    if isinstance(value, datetime):
        return TimestampSerializer._timestamp_unixtimestamp(parse_to_aware_datetime(value))
    raise TypeError(f"not JSON: {type(value).__name__}")


def plain_json_responses():
    """moto serializes every response by walking botocore's output shape, attribute value by
    attribute value: answering a BatchGetItem of 20 members took 12 ms, most of it there, and it
    was half of moto's time in a simulated month; once that was gone, the push reader's GetRecords
    (every write's stream record, images included) was 45 % of it. For the item operations and
    stream records, moto's result is already the wire form (attribute values as {"S": ...}), so
    `json.dumps` of it is the same body. A result that is not plain JSON (an error, bytes) goes the shape's way as before.
    With TAMLINK_MOTO_VERIFY_FAST=FILE both are built and compared on every response, each
    comparison is counted in FILE and a difference written there (and answered moto's way): the
    whole Rust test suite ran so: 16,993 responses of these operations (884 of them
    GetRecords), 0 different."""
    from moto.core.responses import ActionResult

    original = ActionResult.execute_result
    verify = os.environ.get("TAMLINK_MOTO_VERIFY_FAST")

    def execute_result(self, context):
        operation = context.operation_model
        service = context.service_model.service_name
        if (operation.name in _PLAIN_JSON.get(service, ()) and
                not isinstance(self.result, Exception)):
            try:
                body = json.dumps(self.result, default=_json_timestamp)
            except TypeError:
                return original(self, context)
            version = context.service_model.metadata.get("jsonVersion", "1.0")
            fast = (200, {"Content-Type": f"application/x-amz-json-{version}"}, body)
            if verify:
                slow = original(self, context)
                same = (slow[0], slow[1], json.loads(slow[2])) == (fast[0], fast[1], json.loads(body))
                with open(verify, "a") as out:
                    out.write(f"same {operation.name}\n" if same else
                              f"DIFFERENT {operation.name}: {slow!r} vs {fast!r}\n")
                if not same:
                    return slow
            return fast
        return original(self, context)

    ActionResult.execute_result = execute_result


STREAM_RECORDS_KEPT = 50_000
# Of the records' JSON (moto's own SizeBytes); moto's objects take about 9 times as much memory
# (measured: 20-line window items, 26 KB of JSON each, grew moto by 228 KB a write).
STREAM_BYTES_KEPT = 64 * 1024 * 1024


def _record_bytes(record):
    return record.record["dynamodb"]["SizeBytes"]


def drop_stream_front(shard, count):
    """Forgets a shard's oldest `count` records. Sequence numbers stay as they were: the shard's
    start moves on by what is dropped (moto numbers records as start + index)."""
    if count <= 0:
        return
    shard.bytes_kept = getattr(shard, "bytes_kept", 0) - sum(
        _record_bytes(r) for r in shard.items[:count]
    )
    del shard.items[:count]
    shard.starting_sequence_number += count


def drop_stream_back(shard, length):
    """Forgets the records after the first `length` (a cancelled transaction's)."""
    shard.bytes_kept = getattr(shard, "bytes_kept", 0) - sum(
        _record_bytes(r) for r in shard.items[length:]
    )
    del shard.items[length:]


def bounded_stream_shards():
    """Keeps a stream shard to its newest STREAM_RECORDS_KEPT records and STREAM_BYTES_KEPT bytes.
    DynamoDB drops stream records after 24 hours whether read or not; moto keeps them for the life
    of the server, so a stack whose stream nobody reads (tests and benchmarks without the chat
    push) held every write of a simulated month in memory. A count alone was not enough: the
    chatty month's window items carry up to 40 digest lines, and 50,000 records of them grew moto
    to about 24 GB. The push reader reads four times a second, far closer to the end than this."""
    from moto.dynamodb.models.table import StreamShard

    original = StreamShard.add

    def add(self, old, new):
        before = len(self.items)
        original(self, old, new)
        self.bytes_kept = getattr(self, "bytes_kept", 0) + sum(
            _record_bytes(r) for r in self.items[before:]
        )
        excess = max(len(self.items) - STREAM_RECORDS_KEPT, 0)
        over = self.bytes_kept - STREAM_BYTES_KEPT
        over -= sum(_record_bytes(r) for r in self.items[:excess])
        while over > 0 and excess < len(self.items) - 1:
            over -= _record_bytes(self.items[excess])
            excess += 1
        drop_stream_front(self, excess)

    StreamShard.add = add


def item_level_transaction_rollback():
    """Moto backs up every table a transaction touches with a deep copy of the whole table before
    each TransactWriteItems, so a transaction's cost grew with the table: a simulated month's
    notifier slowed to a few transactions a second. This backs up only the items the transaction
    names (and the stream's length) and restores those when it is cancelled, as moto's copy
    would. DynamoDB requests are serialized (`serialize_dynamodb`), so nothing else writes
    between the backup and the restore."""
    import copy as real_copy

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class TablesByReference:
        """What `copy` is inside moto's transaction: tables are not copied, anything else is."""

        @staticmethod
        def deepcopy(x, memo=None):
            return x if isinstance(x, Table) else real_copy.deepcopy(x, memo)

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        saved, streams = [], {}
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            attrs = op.get("Key") or op.get("Item") or {}
            if table.hash_key_attr not in attrs:
                continue
            h = DynamoType(attrs[table.hash_key_attr])
            r = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr in attrs else None
            current = table.items.get(h, {}).get(r) if r is not None else table.items.get(h)
            saved.append((table, h, r, real_copy.deepcopy(current)))
            if table.stream_shard is not None:
                streams[id(table)] = (table.stream_shard, len(table.stream_shard.items))
        models.copy = TablesByReference
        try:
            return original(self, transact_items)
        except Exception:
            for table, h, r, old in reversed(saved):
                if r is None:
                    if old is None:
                        table.items.pop(h, None)
                    else:
                        table.items[h] = old
                elif old is None:
                    table.items.get(h, {}).pop(r, None)
                else:
                    table.items[h][r] = old
            for shard, length in streams.values():
                drop_stream_back(shard, length)
            raise
        finally:
            models.copy = real_copy

    models.DynamoDBBackend.transact_write_items = transact_write_items


# Every receipt handle a queued message has had -> that message (see `quick_sqs`).
_sqs_by_handle = {}
_sqs_handles_lock = threading.Lock()


def quick_sqs():
    """moto's SQS walks the whole queue several times per message: each message sent or received
    reads all of the queue's attributes (three counts over every queued message, each with its
    own clock read) only to learn ContentBasedDeduplication or MessageRetentionPeriod, and each
    delete or visibility change searches every message's receipt handles. With 20,000 messages
    queued, queuing them took longer than ten minutes and each receive took seconds
    (`./run bench burst`). Here sends and the retention check skip the counts nobody reads there,
    receipt handles are looked up in a map, and the counts read the clock once. What a client
    sees is unchanged: the same messages, handles, errors and attribute values."""
    from moto.core.utils import unix_time, unix_time_millis
    from moto.sqs import models
    from moto.sqs.exceptions import InvalidParameterValue, ReceiptHandleIsInvalid

    skip = threading.local()

    def count(test):
        def get(self):
            if getattr(skip, "counts", False):
                return None
            now = unix_time_millis()
            return sum(1 for m in list(self._messages) if test(m, now))

        return property(get)

    models.Queue.approximate_number_of_messages = count(
        lambda m, now: now > m.visible_at and now >= m.delayed_until)
    models.Queue.approximate_number_of_messages_delayed = count(lambda m, now: now < m.delayed_until)
    models.Queue.approximate_number_of_messages_not_visible = count(lambda m, now: now <= m.visible_at)

    original_send = models.SQSBackend.send_message

    def send_message(self, *args, **kwargs):
        skip.counts = True
        try:
            return original_send(self, *args, **kwargs)
        finally:
            skip.counts = False

    models.SQSBackend.send_message = send_message

    def still_retained(self, queue_name, message):
        queue = self.get_queue(queue_name)
        return queue.message_retention_period + message.sent_timestamp / 1000 > unix_time()

    models.SQSBackend.is_message_valid_based_on_retention_period = still_retained

    original_received = models.Message.mark_received

    def mark_received(self, visibility_timeout=None):
        original_received(self, visibility_timeout)
        with _sqs_handles_lock:
            _sqs_by_handle[self.receipt_handle] = self

    models.Message.mark_received = mark_received

    def delete_message(self, receipt_handle):
        if receipt_handle in self.deleted_messages:
            return  # moto: deleting twice is fine
        message = queued_message(self, receipt_handle)
        if message is None:
            raise ReceiptHandleIsInvalid()
        self.pending_messages.discard(message)
        self.deleted_messages.update(message.all_receipt_handles)
        remaining = list(self._messages)
        remaining.remove(message)
        self._messages = remaining
        with _sqs_handles_lock:
            for handle in message.all_receipt_handles:
                _sqs_by_handle.pop(handle, None)

    models.Queue.delete_message = delete_message

    def change_message_visibility(self, queue_name, receipt_handle, visibility_timeout):
        queue = self.get_queue(queue_name)
        message = queued_message(queue, receipt_handle)
        if message is None:
            raise ReceiptHandleIsInvalid
        # moto's own checks and effects, in its order.
        if unix_time_millis() + int(visibility_timeout) * 1000 - message.sent_timestamp > 43200 * 1000:
            raise InvalidParameterValue(
                f"Value {visibility_timeout} for parameter VisibilityTimeout is invalid. Reason: Total "
                "VisibilityTimeout for the message is beyond the limit [43200 seconds]"
            )
        message.change_visibility(visibility_timeout)
        if message.visible and message in queue.pending_messages:
            queue.pending_messages.remove(message)

    models.SQSBackend.change_message_visibility = change_message_visibility


def queued_message(queue, receipt_handle):
    """The message in `queue` that has had this receipt handle, or None."""
    message = _sqs_by_handle.get(receipt_handle)
    # Messages have no __eq__: `in` compares identity, at C speed.
    return message if message is not None and message in queue._messages else None


def fair_queues():
    """Receives from a standard queue as SQS fair queues do (SQS developer guide, "How Amazon SQS
    fair queues work"): tenants are message groups; a tenant is a noisy neighbour while it has
    more than 10% of the queue's in-flight messages and at least 30 of its own in flight, or
    more than 10% of the consumers' recent processing time (here: the time from a receive to
    its delete or visibility change, over the last minute); while any quiet tenant's message is
    visible it is received first; among noisy tenants, the one with the fewest in flight goes
    first; a noisy tenant's messages are neither dropped nor throttled. FIFO queues are left
    alone."""
    import time
    from collections import Counter, deque

    from moto.core.utils import unix_time_millis
    from moto.sqs import models

    original_received = models.Message.mark_received
    original_delete = models.Queue.delete_message

    def stats(queue):
        if not hasattr(queue, "_tl_processing"):
            queue._tl_processing = deque()  # (finished at, group, seconds)
        return queue._tl_processing

    def finished(queue, message):
        started = getattr(message, "_tl_received_at", None)
        if started is not None and message.group_id is not None:
            stats(queue).append((time.time(), message.group_id, time.time() - started))
            message._tl_received_at = None

    def mark_received(self, visibility_timeout=None):
        original_received(self, visibility_timeout)
        self._tl_received_at = time.time()

    def delete_message(self, receipt_handle):
        m = queued_message(self, receipt_handle)
        if m is not None:
            finished(self, m)
        original_delete(self, receipt_handle)

    def snapshot(items):
        # moto's SQS lets other request threads change these while we read them.
        for _ in range(100):
            try:
                return list(items)
            except RuntimeError:
                continue
        return []

    def noisy_groups(queue):
        pending = snapshot(queue.pending_messages)
        inflight = Counter(m.group_id for m in pending if m.group_id is not None and not m.visible)
        total_inflight = sum(inflight.values())
        recent = stats(queue)
        cutoff = time.time() - 60
        while recent and recent[0][0] < cutoff:
            recent.popleft()
        busy = Counter()
        for _, group, seconds in snapshot(recent):
            busy[group] += seconds
        total_busy = sum(busy.values())
        noisy = set()
        for group in set(inflight) | set(busy):
            share = inflight[group] / total_inflight if total_inflight else 0
            if (share > 0.1 and inflight[group] >= 30) or (total_busy and busy[group] / total_busy > 0.1):
                noisy.add(group)
        return noisy, inflight

    def messages(self):
        now = unix_time_millis()  # once, not twice per message
        visible = [m for m in snapshot(self._messages) if now > m.visible_at and now >= m.delayed_until]
        if self.fifo_queue or not any(m.group_id for m in visible):
            return visible
        noisy, inflight = noisy_groups(self)
        tenants = {m.group_id for m in visible}
        if not noisy or tenants <= noisy:
            if len(noisy) > 1:
                return sorted(visible, key=lambda m: inflight[m.group_id])
            return visible
        return sorted(visible, key=lambda m: (m.group_id in noisy, inflight[m.group_id] if m.group_id in noisy else 0))

    models.Message.mark_received = mark_received
    models.Queue.delete_message = delete_message
    models.Queue.messages = property(messages)
    # A retry's visibility change ends that processing too.
    original_backend_change = models.SQSBackend.change_message_visibility

    def backend_change(self, queue_name, receipt_handle, visibility_timeout):
        queue = self.get_queue(queue_name)
        m = queued_message(queue, receipt_handle)
        if m is not None and m.receipt_handle == receipt_handle:
            finished(queue, m)
        return original_backend_change(self, queue_name, receipt_handle, visibility_timeout)

    models.SQSBackend.change_message_visibility = backend_change


def quick_dispatch():
    """moto's server finds the backend for every request anew: it lists its own package directory
    (an `isdir` per service, about 190) and then matches the host against every service's URL
    patterns. A host's backend never changes, so it is remembered. py-spy on `./run bench month
    chatty` found about a tenth of moto's samples there."""
    from moto import backends
    from moto.moto_server import werkzeug_app

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    original = werkzeug_app.DomainDispatcherApplication.get_backend_for_host
    found = {}

    def get_backend_for_host(self, host):
        if host not in found:
            found[host] = original(self, host)
        return found[host]

    werkzeug_app.DomainDispatcherApplication.get_backend_for_host = get_backend_for_host


def lean_item_json():
    """moto renders a map or list attribute by deep-copying it and then rebuilding every nested
    level from the copy, so each level is copied once per level above it; a window item's 20
    whole notifications (maps in a list) were rendered that way on every read and every stream
    record. This builds the same JSON in one pass. A map's size is likewise its values' own
    sizes, without wrapping each value in a new DynamoType first."""
    import base64
    import copy

    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.utilities import bytesize

    def plain(v):
        return v.to_regular_json() if isinstance(v, DynamoType) else copy.deepcopy(v)

    def to_regular_json(self):
        value = self.value
        if isinstance(value, dict):
            value = {k: plain(v) for k, v in value.items()}
        elif isinstance(value, list):
            value = [plain(v) for v in value]
        elif self.is_binary() and isinstance(value, str):
            value = base64.b64decode(value)
        return {self.type: value}

    DynamoType.to_regular_json = to_regular_json
    original_size = DynamoType.size

    def size(self):
        if self.is_map():
            return sum(bytesize(k) + (v.size() if isinstance(v, DynamoType) else DynamoType(v).size())
                       for k, v in self.value.items())
        return original_size(self)

    DynamoType.size = size


def untracked_models():
    """moto's BaseModel keeps every instance of every model it ever made, for its
    `/moto-api/data.json` view and its reset: every item version ever written (with the request it
    came from), every stream record, every queue message, long after the table or queue let go of
    them. The chatty month's moto grew to about 24 GB that way (a 20-line window item, written
    4,000 times, held 114 KB a write; with the stream, 228 KB). Nothing here reads that view, so
    only S3's models (whose reset disposes of their files through it) are still tracked."""
    from moto.core.common_models import BaseModel

    tracked = BaseModel.__new__

    def __new__(cls, *args, **kwargs):
        if cls.__module__.startswith("moto.s3"):
            return tracked(cls, *args, **kwargs)
        return object.__new__(cls)

    BaseModel.__new__ = __new__


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    untracked_models()
    quick_dispatch()
    lean_item_json()
    trim_read_stream_records()
    bounded_stream_shards()
    cached_table_order()
    indexed_queries()
    plain_json_responses()
    item_level_transaction_rollback()
    quick_sqs()
    fair_queues()
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
