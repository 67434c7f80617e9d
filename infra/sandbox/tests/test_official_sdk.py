"""The official Lark Python SDK (lark-oapi) talks to the sandbox with only the base URL changed."""
import json
import os
import subprocess
import sys
import time
import socket
import urllib.request
from pathlib import Path

import lark_oapi as lark
import pytest
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody
from lark_oapi.api.tenant.v2 import QueryTenantRequest

ROOT = Path(__file__).resolve().parents[3]
APP_ID, SECRET = "cli_acmerobotics01", "sandbox-secret-acme-robotics"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FEISHU_URLS = {}  # the Lark listener's URL -> the same sandbox's Feishu listener


def start_sandbox(base_url: str):
    """Starts the sandbox with tamlink's base URL `base_url`; returns (its Lark URL, the process);
    its Feishu listener is FEISHU_URLS[that URL]."""
    port, feishu_port = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "infra/sandbox/lark_sandbox.py"), "--port", str(port),
                             "--feishu-port", str(feishu_port),
                             "--seed", str(ROOT / "infra/sandbox/seed.json"), "--base-url", base_url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    FEISHU_URLS[url] = f"http://127.0.0.1:{feishu_port}"
    for u in (url, FEISHU_URLS[url]):
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{u}/_sandbox/apps")
                break
            except OSError:
                time.sleep(0.1)
    return url, proc


@pytest.fixture(scope="module")
def sandbox():
    url, proc = start_sandbox("http://127.0.0.1:1")
    yield url
    proc.terminate()
    proc.wait(5)


def sandbox_json(url: str):
    return json.load(urllib.request.urlopen(url))


def client(base: str, secret: str = SECRET, app_id: str = APP_ID):
    return lark.Client.builder().app_id(app_id).app_secret(secret).domain(base).log_level(lark.LogLevel.ERROR).build()


def test_sdk_reads_tenant_with_its_own_token_handling(sandbox):
    resp = client(sandbox).tenant.v2.tenant.query(QueryTenantRequest.builder().build())
    assert resp.success(), (resp.code, resp.msg)
    assert resp.data.tenant.name == "Acme Robotics"
    assert resp.data.tenant.display_id == "F200000002"


def test_sdk_sends_a_card_that_the_sandbox_records(sandbox):
    ana = next(u for u in sandbox_json(f"{sandbox}/_sandbox/users?app_id={APP_ID}")["users"] if u["user_id"] == "ana")
    card = {"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "Hello"}}, "body": {"elements": []}}
    body = CreateMessageRequestBody.builder().receive_id(ana["open_id"]).msg_type("interactive") \
        .content(json.dumps(card)).uuid("sdk-test-1").build()
    req = CreateMessageRequest.builder().receive_id_type("open_id").request_body(body).build()
    resp = client(sandbox).im.v1.message.create(req)
    assert resp.success(), (resp.code, resp.msg)
    assert resp.data.message_id.startswith("om_")
    again = client(sandbox).im.v1.message.create(req)  # same uuid: deduplicated, same message
    assert again.data.message_id == resp.data.message_id
    sent = sandbox_json(f"{sandbox}/_sandbox/messages?recipient=ana")["messages"]
    assert len(sent) == 1 and sent[0]["content"]["header"]["title"]["content"] == "Hello"


def test_sdk_sees_lark_error_codes(sandbox):
    # The SDK caches tokens globally per app_id, so use an app it has not seen yet.
    with pytest.raises(lark.core.exception.ObtainAccessTokenException) as err:
        client(sandbox, secret="wrong", app_id="cli_initechsupport1").tenant.v2.tenant.query(QueryTenantRequest.builder().build())
    assert err.value.code == 10014
    outsider = "ou_" + "0" * 32
    body = CreateMessageRequestBody.builder().receive_id(outsider).msg_type("text").content('{"text":"hi"}').build()
    resp = client(sandbox).im.v1.message.create(CreateMessageRequest.builder().receive_id_type("open_id").request_body(body).build())
    assert resp.code == 99992351


FEISHU_APP, FEISHU_SECRET = "cli_lotussemicon01", "sandbox-secret-lotus-semiconductor"


def test_a_feishu_app_is_served_on_feishus_host_only(sandbox):
    """The official SDK pointed at the Feishu listener (as at open.feishu.cn) works for a Feishu
    app; on Lark's it is unknown, and the sandbox keeps that call as one to the wrong brand."""
    feishu = FEISHU_URLS[sandbox]
    resp = client(feishu, FEISHU_SECRET, FEISHU_APP).tenant.v2.tenant.query(QueryTenantRequest.builder().build())
    assert resp.success(), (resp.code, resp.msg)
    assert resp.data.tenant.name == "莲花半导体"
    assert sandbox_json(f"{sandbox}/_sandbox/wrong_brand")["calls"] == []
    wrong = client(sandbox, FEISHU_SECRET, FEISHU_APP).tenant.v2.tenant.query(QueryTenantRequest.builder().build())
    assert not wrong.success()
    calls = sandbox_json(f"{sandbox}/_sandbox/wrong_brand")["calls"]
    assert [(c["app_id"], c["served"], c["app_brand"]) for c in calls] == [(FEISHU_APP, "lark", "feishu")]
    # And the other way round: a Lark app is unknown on Feishu's listener.
    lark_app = client(feishu).tenant.v2.tenant.query(QueryTenantRequest.builder().build())
    assert not lark_app.success()
