"""The sandbox's messenger presses a card's button the way Lark does: the callback it sends is
one the official SDK's own decryptor opens and whose signature checks out, and it answers an app
that misbehaves with Lark's client error codes."""
import hashlib
import json
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody
from lark_oapi.core.utils.decryptor import AESCipher

from test_official_sdk import client, sandbox_json, start_sandbox

PROVIDER, SECRET = "cli_nimbusprovider01", "sandbox-secret-nimbus-provider"
KEY, TOKEN = "sandbox-encrypt-nimbus", "sandbox-token-nimbus"


class App(BaseHTTPRequestHandler):
    """tamlink's stand-in: checks what Lark would send, then behaves as `mode` says."""
    mode = "ok"
    seen = []

    def log_message(self, *_):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        ts, nonce = self.headers["X-Lark-Request-Timestamp"], self.headers["X-Lark-Request-Nonce"]
        signed = hashlib.sha256(ts.encode() + nonce.encode() + KEY.encode() + raw).hexdigest()
        plain = AESCipher(KEY).decrypt_str(json.loads(raw)["encrypt"])
        App.seen.append({"signature_ok": signed == self.headers["X-Lark-Signature"], "event": json.loads(plain)})
        if App.mode == "500":
            self.send_response(500); self.end_headers(); return
        if App.mode == "slow":
            time.sleep(3.5)
        body = {"toast": {"type": "success", "content": "Done."},
                "card": {"type": "raw", "data": {"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "Changed"}},
                                                 "body": {"elements": []}}}}
        if App.mode == "bad card":
            body["card"]["data"]["schema"] = "1.0"
        out = b"not json" if App.mode == "bad json" else json.dumps(body).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers()
        self.wfile.write(out)


@pytest.fixture(scope="module")
def stack():
    app = ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    url, proc = start_sandbox(f"http://127.0.0.1:{app.server_address[1]}")
    yield url
    proc.terminate()
    proc.wait(5)
    app.shutdown()


ACK = [{"tag": "button", "text": {"tag": "plain_text", "content": "Acknowledge"},
        "behaviors": [{"type": "callback", "value": {"action": "ack", "ticket": "cli_x.1"}}]}]


def send_card(sandbox, elements=ACK):
    tara = next(u for u in sandbox_json(f"{sandbox}/_sandbox/users?app_id={PROVIDER}")["users"] if u["user_id"] == "tara")
    card = {"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "Page"}},
            "body": {"elements": elements}}
    body = CreateMessageRequestBody.builder().receive_id(tara["open_id"]).msg_type("interactive").content(json.dumps(card)).build()
    resp = client(sandbox, SECRET, PROVIDER).im.v1.message.create(
        CreateMessageRequest.builder().receive_id_type("open_id").request_body(body).build())
    assert resp.success(), (resp.code, resp.msg)
    return resp.data.message_id, tara


def press(sandbox, message_id, button="0", **fields):
    form = urllib.parse.urlencode({"message_id": message_id, "button": button,
                                   **{f"field:{k}": v for k, v in fields.items()}}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{sandbox}/_sandbox/messenger/press", data=form)) as r:
        return urllib.parse.parse_qs(urllib.parse.urlparse(r.url).query), r.read().decode()


def test_a_press_sends_what_lark_sends_and_shows_the_reply(stack):
    App.mode, App.seen = "ok", []
    message_id, tara = send_card(stack)
    query, page = press(stack, message_id)
    assert query["toast"] == ["Done."] and query["toast_type"] == ["success"]
    assert "Changed" in page, "the card from the reply replaced the one pressed"
    seen = App.seen[-1]
    assert seen["signature_ok"], "signed as §7.3 says"
    event = seen["event"]
    assert event["schema"] == "2.0" and event["header"]["event_type"] == "card.action.trigger"
    assert event["header"]["token"] == TOKEN and event["header"]["app_id"] == PROVIDER
    assert event["event"]["operator"]["open_id"] == tara["open_id"]
    assert event["event"]["action"]["value"] == {"action": "ack", "ticket": "cli_x.1"}
    assert abs(int(event["header"]["create_time"]) / 1e6 - time.time()) < 60


@pytest.mark.parametrize("mode,code", [("500", "200671"), ("bad json", "200672"), ("bad card", "200673"), ("slow", "200341")])
def test_an_app_that_misbehaves_gets_larks_client_error(stack, mode, code):
    App.mode = mode
    message_id, _ = send_card(stack)
    query, page = press(stack, message_id)
    assert query["toast_type"] == ["error"] and code in query["toast"][0]
    assert "Page" in page, "the card stays as it was"


def test_a_form_sends_its_inputs_with_the_button_that_submitted_it(stack):
    App.mode, App.seen = "ok", []
    form = [{"tag": "form", "name": "rating", "elements": [
        {"tag": "input", "name": "comment", "placeholder": {"tag": "plain_text", "content": "A comment"}},
        *[{"tag": "button", "name": f"rate_{n}", "form_action_type": "submit",
           "text": {"tag": "plain_text", "content": "★" * n},
           "behaviors": [{"type": "callback", "value": {"action": "rate", "score": n}}]} for n in (1, 2)]]}]
    message_id, _ = send_card(stack, form)
    page = urllib.request.urlopen(f"{stack}/_sandbox/messenger?user=tara&app_id={PROVIDER}").read().decode()
    assert 'name="field:comment"' in page and "lark-form" in page
    press(stack, message_id, button="1", comment="Quick and clear")
    action = App.seen[-1]["event"]["event"]["action"]
    assert action["value"] == {"action": "rate", "score": 2}
    assert action["form_value"] == {"comment": "Quick and clear"}
