"""Lark sandbox: a local stand-in for the Lark Open API subset tamlink uses.

It speaks the shapes of docs/lark.md (envelopes, HTTP statuses, error codes), so the
official SDKs work against it with only the base URL changed. It also keeps everything the bots
sent for inspection (/_sandbox/*), can inject faults, and meters calls per tenant and month the
way Lark does (auth calls free; messages, CardKit, tenant and app info counted).

Both brands: Lark on --port, Feishu on --feishu-port (paths are identical, docs/lark.md §0). An
app belongs to one brand ("brand" in the seed, Lark by default); on the other brand's listener
it is unknown, its tokens are invalid, and the call is kept in /_sandbox/wrong_brand so a test can
prove that nothing went to the wrong brand.

Seeded from a JSON file (see seed.json). open_id / union_id are derived, as in Lark they differ
per app and per developer:
    open_id  = "ou_" + sha256(app_id + ":" + user_id)[:32]
    union_id = "on_" + sha256("developer:" + user_id)[:32]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from urllib.parse import urlencode, urlparse, parse_qsl, urlunparse

from flask import Flask, Response, jsonify, redirect, request

TOKEN_LIFETIME = 7200
REISSUE_BELOW = 30 * 60
CODE_LIFETIME = 300
UUID_WINDOW = 3600
CARD_LIMIT = 30 * 1024
APP_RATE_PER_SECOND = 50
USER_RATE_PER_SECOND = 5
FREE_QUOTA = 10_000
REQUIRED_SCOPES = [
    "application:application:self_manage",
    "cardkit:card:write",
    "im:message:send_as_bot",
    "tenant:tenant:readonly",
]


def derived_open_id(app_id: str, user_id: str) -> str:
    return "ou_" + hashlib.sha256(f"{app_id}:{user_id}".encode()).hexdigest()[:32]


def encrypt(encrypt_key: str, plain: bytes) -> str:
    """Lark's callback encryption (docs/lark.md §7.4): AES-256-CBC, key SHA-256(Encrypt Key),
    a random IV in front, PKCS#7 padding, base64."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    key = hashlib.sha256(encrypt_key.encode()).digest()
    iv = secrets.token_bytes(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(data) + enc.finalize()).decode()


def derived_union_id(user_id: str) -> str:
    return "on_" + hashlib.sha256(f"developer:{user_id}".encode()).hexdigest()[:32]


class LarkError(Exception):
    """A Lark failure answered with the real envelope and HTTP status."""

    def __init__(self, status: int, code: int, msg: str, headers: dict | None = None, flat: dict | None = None):
        super().__init__(msg)
        self.status, self.code, self.msg, self.headers, self.flat = status, code, msg, headers or {}, flat


class Sandbox:
    def __init__(self, seed: dict, base_url: str, brand_ports: dict | None = None):
        self.lock = threading.RLock()
        self.brand_ports = brand_ports or {}  # listener port -> "lark" | "feishu"
        self.base_url = base_url.rstrip("/")
        self.seed = seed
        self.reset_all()

    # ----- state -----------------------------------------------------------------------------
    def reset_all(self):
        with self.lock:
            self.clock_offset = 0.0
            self.frozen_at = None  # a fixed "now" (benchmarks), or None for the running clock
            self.tenants = {t["tenant_key"]: dict(t) for t in self.seed["tenants"]}
            self.apps = {}
            for a in self.seed["apps"]:
                app = json.loads(json.dumps(a).replace("{BASE}", self.base_url))
                app.setdefault("scopes", list(REQUIRED_SCOPES))
                app.setdefault("granted_scopes", list(app["scopes"]))
                app.setdefault("bot", True)
                app.setdefault("status", 1)
                app.setdefault("brand", "lark")
                app.setdefault("online_version_id", "oav_" + hashlib.sha256(app["app_id"].encode()).hexdigest()[:12])
                self.apps[app["app_id"]] = app
            self.users = {u["user_id"]: dict(u) for u in self.seed["users"]}
            self.hooks = {h["token"]: dict(h) for h in self.seed.get("hooks", [])}
            self.tenant_tokens = {}  # token -> {app_id, expires_at}
            self.app_tokens = {}
            self.user_tokens = {}  # token -> {app_id, user_id, expires_at}
            self.codes = {}  # code -> {app_id, user_id, redirect_uri, expires_at}
            self.reset_traffic()

    def reset_traffic(self):
        with self.lock:
            self.messages = []
            self.cards = {}
            self.webhook_posts = []
            self.calls = []
            self.usage = defaultdict(int)  # (tenant_key, "YYYY-MM") -> count
            self.uuids = {}  # (app_id, uuid) -> (time, message)
            self.faults = []
            self.rate_app = defaultdict(deque)
            self.rate_user = defaultdict(deque)
            self.wrong_brand = []  # calls for an app made on the other brand's listener

    def now(self) -> float:
        if self.frozen_at is not None:
            return self.frozen_at
        return time.time() + self.clock_offset

    def month(self) -> str:
        return time.strftime("%Y-%m", time.gmtime(self.now()))

    def open_id(self, app_id: str, user_id: str) -> str:
        return derived_open_id(app_id, user_id)

    def user_by_open_id(self, app_id: str, open_id: str):
        for u in self.users.values():
            if derived_open_id(app_id, u["user_id"]) == open_id:
                return u
        return None

    def app_users(self, app_id: str):
        app = self.apps[app_id]
        return [u for u in self.users.values() if u["tenant_key"] == app["tenant_key"]]

    # ----- metering and faults ---------------------------------------------------------------
    def record_call(self, kind: str, app_id: str | None, status: int, code: int):
        self.calls.append({"at": self.now(), "path": request.path, "method": request.method,
                           "kind": kind, "app_id": app_id, "status": status, "code": code})

    def check_quota(self, app_id: str):
        app = self.apps[app_id]
        tenant = self.tenants[app["tenant_key"]]
        if tenant.get("plan", "paid") == "free":
            quota = tenant.get("quota", FREE_QUOTA)
            if self.usage[(tenant["tenant_key"], self.month())] >= quota:
                raise LarkError(429, 99991403, "This month's API call quota has been exceeded")

    def count_basic(self, app_id: str):
        tenant_key = self.apps[app_id]["tenant_key"]
        self.usage[(tenant_key, self.month())] += 1

    def apply_faults(self, app_id: str | None):
        for f in list(self.faults):
            if f.get("path") and f["path"] not in request.path:
                continue
            if f.get("app_id") and f["app_id"] != app_id:
                continue
            if f.get("remaining") is not None:
                if f["remaining"] <= 0:
                    self.faults.remove(f)
                    continue
                f["remaining"] -= 1
            kind = f["kind"]
            if kind == "latency":
                time.sleep(f.get("latency_ms", 500) / 1000)
                continue
            if kind == "rate_limit":
                reset = str(f.get("reset_seconds", 1))
                raise LarkError(429, 99991400, "request trigger frequency limit",
                                {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": reset})
            if kind == "server_error":
                raise LarkError(f.get("status", 500), 2200, "Internal Error")
            if kind == "quota":
                raise LarkError(429, 99991403, "This month's API call quota has been exceeded")
            if kind == "token_invalid":
                raise LarkError(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.")

    def check_rate(self, key_app: str, key_user: str | None):
        now = time.monotonic()
        for bucket, limit in ((self.rate_app[key_app], APP_RATE_PER_SECOND),
                              (self.rate_user[key_user], USER_RATE_PER_SECOND) if key_user else (None, None)):
            if bucket is None:
                continue
            while bucket and now - bucket[0] > 1.0:
                bucket.popleft()
            if len(bucket) >= limit:
                raise LarkError(429, 99991400, "request trigger frequency limit",
                                {"x-ogw-ratelimit-limit": str(limit), "x-ogw-ratelimit-reset": "1"})
        self.rate_app[key_app].append(now)
        if key_user:
            self.rate_user[key_user].append(now)

    # ----- tokens ----------------------------------------------------------------------------
    def issue_token(self, store: dict, prefix: str, app_id: str) -> tuple[str, int]:
        now = self.now()
        best = None
        for tok, rec in store.items():
            if rec["app_id"] == app_id and rec["expires_at"] - now >= REISSUE_BELOW:
                if best is None or rec["expires_at"] > store[best]["expires_at"]:
                    best = tok
        if best:
            return best, int(store[best]["expires_at"] - now)
        tok = prefix + secrets.token_urlsafe(24)
        store[tok] = {"app_id": app_id, "expires_at": now + TOKEN_LIFETIME}
        return tok, TOKEN_LIFETIME

    def served_brand(self) -> str:
        """The brand of the listener this request came in on."""
        return self.brand_ports.get(int(request.environ.get("SERVER_PORT", 0) or 0), "lark")

    def same_brand(self, app: dict | None) -> bool:
        """False (and the call kept) when the app belongs to the other brand."""
        if app is None or app.get("brand", "lark") == self.served_brand():
            return True
        self.wrong_brand.append({"app_id": app["app_id"], "app_brand": app.get("brand", "lark"),
                                 "served": self.served_brand(), "path": request.path, "at": self.now()})
        return False

    def credentials(self, body: dict) -> dict:
        app = self.apps.get(body.get("app_id", ""))
        if app and not self.same_brand(app):
            app = None  # unknown on this brand
        if not app or not hmac.compare_digest(app["app_secret"], str(body.get("app_secret", ""))):
            # Lark answers wrong app_id/app_secret with 10014 on the v3 internal token endpoints.
            raise LarkError(400, 10014, "app secret invalid")
        if app.get("status", 1) != 1:
            raise LarkError(400, 99991662, "app is not in use")
        return app

    def bearer(self) -> str:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise LarkError(400, 99991661, "Missing access token for authorization. Please make a request with token attached.")
        return header[len("Bearer "):].strip()

    def tenant_app(self) -> dict:
        token = self.bearer()
        rec = self.tenant_tokens.get(token)
        if rec and not self.same_brand(self.apps.get(rec["app_id"])):
            rec = None  # a token of the other brand
        if not rec or rec["expires_at"] <= self.now():
            raise LarkError(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.")
        return self.apps[rec["app_id"]]

    def require_scope(self, app: dict, *scopes: str):
        if not any(s in app["granted_scopes"] for s in scopes):
            raise LarkError(400, 99991672, f"Access denied. One of the following scopes is required: [{', '.join(scopes)}]")


def create_app(sandbox: Sandbox) -> Flask:
    app = Flask("lark_sandbox")
    sb = sandbox

    @app.errorhandler(LarkError)
    def lark_error(e: LarkError):
        body = e.flat if e.flat is not None else {"code": e.code, "msg": e.msg,
                                                   "error": {"log_id": secrets.token_hex(8)}}
        resp = jsonify(body)
        resp.status_code = e.status
        for k, v in e.headers.items():
            resp.headers[k] = v
        return resp

    def ok(data=None, **flat):
        if flat:
            return jsonify({"code": 0, "msg": "ok", **flat})
        body = {"code": 0, "msg": "success"}
        if data is not None:
            body["data"] = data
        return jsonify(body)

    def metered(kind: str, fn, *, scopes=(), user_key=None, counted=True):
        """Runs a Basic (metered) call: token, faults, scope, quota, then count on success."""
        with sb.lock:
            app_id = None
            try:
                a = sb.tenant_app()
                app_id = a["app_id"]
                sb.apply_faults(app_id)
                if scopes:
                    sb.require_scope(a, *scopes)
                sb.check_quota(app_id)
                result = fn(a)
                if counted:
                    sb.count_basic(app_id)
                sb.record_call(kind, app_id, 200, 0)
                return result
            except LarkError as e:
                sb.record_call(kind, app_id, e.status, e.code)
                raise

    # ----- auth (unmetered) ------------------------------------------------------------------
    @app.post("/open-apis/auth/v3/tenant_access_token/internal")
    def tenant_access_token():
        body = request.get_json(force=True, silent=True) or {}
        with sb.lock:
            try:
                sb.apply_faults(body.get("app_id"))
                a = sb.credentials(body)
            except LarkError as e:
                sb.record_call("auth", body.get("app_id"), e.status, e.code)
                raise
            tok, expire = sb.issue_token(sb.tenant_tokens, "t-", a["app_id"])
            sb.record_call("auth", a["app_id"], 200, 0)
            return ok(tenant_access_token=tok, expire=expire)

    @app.post("/open-apis/auth/v3/app_access_token/internal")
    def app_access_token():
        body = request.get_json(force=True, silent=True) or {}
        with sb.lock:
            a = sb.credentials(body)
            tok, expire = sb.issue_token(sb.app_tokens, "a-", a["app_id"])
            ttok, _ = sb.issue_token(sb.tenant_tokens, "t-", a["app_id"])
            sb.record_call("auth", a["app_id"], 200, 0)
            return ok(app_access_token=tok, expire=expire, tenant_access_token=ttok)

    # ----- OAuth -----------------------------------------------------------------------------
    def authorize_error(code: int, text: str):
        page = f"""<!doctype html><meta charset=utf-8><title>Lark sign-in error</title>
<body style="font-family:sans-serif;max-width:520px;margin:60px auto"><h1>Something went wrong</h1>
<p>{html.escape(text)}</p><p style="color:#888">Error code: {code}</p></body>"""
        return Response(page, status=400, mimetype="text/html")

    def issue_code(app_id: str, user_id: str, redirect_uri: str, state: str | None):
        code = secrets.token_urlsafe(32)
        sb.codes[code] = {"app_id": app_id, "user_id": user_id, "redirect_uri": redirect_uri,
                          "expires_at": sb.now() + CODE_LIFETIME}
        return redirect(add_query(redirect_uri, {"code": code, **({"state": state} if state else {})}), 302)

    @app.get("/open-apis/authen/v1/authorize")
    def authorize():
        args = request.args
        app_id = args.get("client_id") or args.get("app_id") or ""
        redirect_uri = args.get("redirect_uri", "")
        state = args.get("state")
        with sb.lock:
            a = sb.apps.get(app_id)
            if not a or not sb.same_brand(a):
                return authorize_error(20048, "The app does not exist.")
            if redirect_uri not in a.get("redirect_urls", []):
                return authorize_error(20029, "redirect_uri is not listed in the app's Security Settings → Redirect URLs.")
            # Documented non-interactive parameter for scripts: sandbox_user=<seeded user_id>.
            chosen = args.get("sandbox_user")
            if chosen:
                if chosen not in sb.users:
                    return authorize_error(20008, "No such sandbox user.")
                return issue_code(app_id, chosen, redirect_uri, state)
            users = sb.app_users(app_id)
            tenant = sb.tenants[a["tenant_key"]]
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in [("client_id", app_id), ("redirect_uri", redirect_uri), ("state", state or "")])
        rows = "".join(
            f'<button class="user" name="user_id" value="{html.escape(u["user_id"])}">'
            f'<span class="av">{html.escape(u["name"][:1])}</span><span><b>{html.escape(u["name"])}</b>'
            f'<small>{html.escape(u.get("title", ""))}</small></span></button>' for u in users)
        page = f"""<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Authorize {html.escape(a["app_name"])} – Lark (sandbox)</title>
<style>body{{font-family:system-ui,sans-serif;background:#f2f3f5;margin:0}}.card{{max-width:420px;margin:48px auto;background:#fff;border-radius:12px;padding:28px;box-shadow:0 4px 20px #0001}}
h1{{font-size:20px;margin:0 0 4px}}p{{color:#646a73}}.user{{display:flex;gap:12px;align-items:center;width:100%;border:1px solid #dee0e3;background:#fff;border-radius:8px;padding:10px;margin:8px 0;cursor:pointer;text-align:left}}
.user:hover{{border-color:#3370ff}}.av{{width:36px;height:36px;border-radius:50%;background:#3370ff;color:#fff;display:grid;place-items:center;font-weight:600}}small{{display:block;color:#8f959e}}
.deny{{background:none;border:0;color:#646a73;margin-top:12px;cursor:pointer}}</style></head><body><div class="card">
<h1>{html.escape(a["app_name"])} wants to sign you in</h1><p>{html.escape(tenant["name"])} · Lark sandbox. The app will read your name, avatar and open ID.</p>
<form method="post" action="/open-apis/authen/v1/authorize/consent">{hidden}{rows}
<button class="deny" name="deny" value="1">Cancel</button></form></div></body></html>"""
        return Response(page, mimetype="text/html")

    @app.post("/open-apis/authen/v1/authorize/consent")
    def consent():
        form = request.form
        app_id, redirect_uri, state = form.get("client_id", ""), form.get("redirect_uri", ""), form.get("state") or None
        with sb.lock:
            a = sb.apps.get(app_id)
            if not a or redirect_uri not in a.get("redirect_urls", []):
                return authorize_error(20029, "Invalid redirect_uri.")
            if form.get("deny"):
                return redirect(add_query(redirect_uri, {"error": "access_denied", **({"state": state} if state else {})}), 302)
            user_id = form.get("user_id", "")
            if user_id not in sb.users:
                return authorize_error(20008, "No such user.")
            return issue_code(app_id, user_id, redirect_uri, state)

    def redeem_code(app_id: str, code: str, redirect_uri: str | None, flat: bool):
        def fail(c, m, status=400):
            if flat:
                raise LarkError(status, c, m, flat={"code": c, "error": "invalid_grant", "error_description": m})
            raise LarkError(200, c, m)
        rec = sb.codes.get(code)
        if not rec:
            fail(20003, "The authorization code is not found or has been used.")
        if rec["app_id"] != app_id:
            fail(20024, "The authorization code belongs to another app.")
        if rec["expires_at"] <= sb.now():
            del sb.codes[code]
            fail(20004, "The authorization code has expired.")
        if redirect_uri is not None and redirect_uri != rec["redirect_uri"]:
            fail(20071, "redirect_uri does not match the one used to get the code.")
        del sb.codes[code]
        tok = "u-" + secrets.token_urlsafe(32)
        sb.user_tokens[tok] = {"app_id": app_id, "user_id": rec["user_id"], "expires_at": sb.now() + TOKEN_LIFETIME}
        return tok

    @app.post("/open-apis/authen/v2/oauth/token")
    def oauth_token_v2():
        body = request.get_json(force=True, silent=True) or request.form.to_dict()
        with sb.lock:
            def fail(status, c, err, m):
                sb.record_call("auth", body.get("client_id"), status, c)
                raise LarkError(status, c, m, flat={"code": c, "error": err, "error_description": m})
            if body.get("grant_type") != "authorization_code":
                fail(400, 20036, "unsupported_grant_type", "grant_type must be authorization_code")
            for field in ("client_id", "client_secret", "code"):
                if not body.get(field):
                    fail(400, 20001, "invalid_request", f"missing {field}")
            a = sb.apps.get(body["client_id"])
            if not a or not sb.same_brand(a):
                fail(400, 20048, "invalid_client", "app not found")
            if not hmac.compare_digest(a["app_secret"], str(body["client_secret"])):
                fail(400, 20002, "invalid_client", "client_secret is invalid")
            try:
                tok = redeem_code(a["app_id"], body["code"], body.get("redirect_uri"), flat=True)
            except LarkError as e:
                sb.record_call("auth", a["app_id"], e.status, e.code)
                raise
            sb.record_call("auth", a["app_id"], 200, 0)
            return jsonify({"code": 0, "access_token": tok, "expires_in": TOKEN_LIFETIME,
                            "token_type": "Bearer", "scope": "auth:user.id:read"})

    @app.post("/open-apis/authen/v1/oidc/access_token")
    def oidc_access_token():
        body = request.get_json(force=True, silent=True) or {}
        with sb.lock:
            rec = sb.app_tokens.get(sb.bearer())
            if not rec or rec["expires_at"] <= sb.now():
                raise LarkError(200, 20014, "app access token invalid")
            if body.get("grant_type") != "authorization_code":
                raise LarkError(200, 20036, "grant_type invalid")
            tok = redeem_code(rec["app_id"], body.get("code", ""), None, flat=False)
            sb.record_call("auth", rec["app_id"], 200, 0)
            return ok({"access_token": tok, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME - 1,
                       "refresh_token": "ur-" + secrets.token_urlsafe(16), "refresh_expires_in": 2591999,
                       "scope": "auth:user.id:read"})

    @app.get("/open-apis/authen/v1/user_info")
    def user_info():
        with sb.lock:
            header = request.headers.get("Authorization", "")
            rec = sb.user_tokens.get(header[len("Bearer "):]) if header.startswith("Bearer ") else None
            if rec and not sb.same_brand(sb.apps.get(rec["app_id"])):
                rec = None
            if not rec or rec["expires_at"] <= sb.now():
                # Old-style API: HTTP 200 with a non-zero code.
                raise LarkError(200, 20005, "invalid user access token")
            u = sb.users[rec["user_id"]]
            sb.record_call("auth", rec["app_id"], 200, 0)
            avatar = u.get("avatar_url") or f"{request.host_url.rstrip('/')}/_sandbox/avatar/{u['user_id']}.svg"
            return ok({"name": u["name"], "en_name": u.get("en_name", u["name"]), "avatar_url": avatar,
                       "avatar_thumb": avatar, "avatar_middle": avatar, "avatar_big": avatar,
                       "open_id": derived_open_id(rec["app_id"], u["user_id"]),
                       "union_id": derived_union_id(u["user_id"]), "tenant_key": u["tenant_key"]})

    # ----- tenant and application info (metered) ---------------------------------------------
    @app.get("/open-apis/tenant/v2/tenant/query")
    def tenant_query():
        def run(a):
            t = sb.tenants[a["tenant_key"]]
            avatar = t.get("avatar") or f"{request.host_url.rstrip('/')}/_sandbox/avatar/{t['tenant_key']}.svg"
            return ok({"tenant": {"name": t["name"], "display_id": t["display_id"], "tenant_tag": t.get("tenant_tag", 0),
                                  "tenant_key": t["tenant_key"],
                                  "avatar": {"avatar_origin": avatar, "avatar_72": avatar, "avatar_240": avatar, "avatar_640": avatar}}})
        return metered("tenant", run, scopes=("tenant:tenant:readonly",))

    def own_app(a, app_id):
        if app_id not in ("me", a["app_id"]):
            raise LarkError(400, 210504, "app is not in this tenant")
        if request.args.get("lang") not in ("zh_cn", "en_us", "ja_jp"):
            raise LarkError(400, 99992402, "field validation failed: lang is required")

    @app.get("/open-apis/application/v6/applications/<app_id>")
    def application_get(app_id):
        def run(a):
            own_app(a, app_id)
            return ok({"app": {
                "app_id": a["app_id"], "creator_id": "ou_creator", "status": a.get("status", 1), "scene_type": 0,
                "payment_type": 0, "create_source": "developer_console", "redirect_urls": a.get("redirect_urls", []),
                "online_version_id": a["online_version_id"], "unaudit_version_id": "", "app_name": a["app_name"],
                "avatar_url": a.get("avatar_url", ""), "description": a.get("description", ""),
                "scopes": [{"scope": s, "description": s, "level": 1, "token_types": ["tenant"]} for s in a["scopes"]],
                "back_home_url": "", "primary_language": a.get("primary_language", "en_us"),
                "pc_default_ability": "web_app", "mobile_default_ability": "web_app",
                # Newer SDK types declare this on the same GET (docs/lark.md §4.1, UNCONFIRMED for
                # self-managed apps): the sandbox reports it when the app has a callback URL.
                **({"callback": {"callback_type": "webhook", "request_url": a["callback_url"],
                                 "subscribed_callbacks": ["card.action.trigger"]}} if a.get("callback_url") else {})}})
        return metered("application", run, scopes=("application:application:self_manage", "admin:app.info:readonly"))

    @app.get("/open-apis/application/v6/applications/<app_id>/app_versions/<version_id>")
    def app_version(app_id, version_id):
        def run(a):
            own_app(a, app_id)
            if version_id != a["online_version_id"]:
                raise LarkError(400, 210506, "version not found")
            ability = {"web_app": {"pc_url": a.get("homepage", ""), "mobile_url": a.get("homepage", "")}}
            if a.get("bot", True):
                ability["bot"] = {"card_request_url": ""}
            return ok({"app_version": {"app_id": a["app_id"], "version": "1.0.0", "version_id": version_id, "status": 1,
                                       "scopes": [{"scope": s} for s in a["scopes"]], "ability": ability}})
        return metered("application", run, scopes=("application:application:self_manage",))

    @app.get("/open-apis/application/v6/scopes")
    def scopes():
        def run(a):
            return ok({"scopes": [{"scope_name": s, "grant_status": 1 if s in a["granted_scopes"] else 2, "scope_type": "tenant"}
                                  for s in a["scopes"]]})
        return metered("application", run)

    # ----- messages and cards (metered) ------------------------------------------------------
    def validate_card(card: dict):
        raw = json.dumps(card, ensure_ascii=False).encode()
        if len(raw) > CARD_LIMIT:
            raise LarkError(400, 230025, "The message content is too long.")
        if card.get("schema") == "2.0" and card.get("config", {}).get("update_multi") is False:
            raise LarkError(400, 230099, "Failed to create card content, ext=ErrCode: 300302")

    @app.post("/open-apis/im/v1/messages")
    def message_create():
        body = request.get_json(force=True, silent=True) or {}
        id_type = request.args.get("receive_id_type", "")

        def run(a):
            if a.get("bot", True) is False:
                raise LarkError(400, 230006, "Bot ability is not activated.")
            if id_type not in ("open_id", "union_id", "user_id", "email", "chat_id"):
                raise LarkError(400, 99992402, "field validation failed: receive_id_type")
            msg_type, content, receive_id = body.get("msg_type"), body.get("content"), body.get("receive_id", "")
            if not isinstance(content, str):
                raise LarkError(400, 230001, "invalid parameter: content must be a string")
            try:
                parsed = json.loads(content)
            except ValueError:
                raise LarkError(400, 230001, "invalid parameter: content is not JSON")
            limit = 150 * 1024 if msg_type == "text" else CARD_LIMIT
            if len(content.encode()) > limit:
                raise LarkError(400, 230025, "The message content is too long.")
            user = None
            if id_type == "open_id":
                user = sb.user_by_open_id(a["app_id"], receive_id)
                if not user:
                    raise LarkError(400, 99992351, "open_id does not exist or is from another app")
                if a["app_id"] in user.get("unavailable_for", []) or user["tenant_key"] != a["tenant_key"]:
                    raise LarkError(400, 230013, "Bot has NO availability to this user.")
            uid = body.get("uuid")
            if uid and len(uid) > 50:
                raise LarkError(400, 230001, "invalid parameter: uuid too long")
            if uid and (a["app_id"], uid) in sb.uuids:
                at, prior = sb.uuids[(a["app_id"], uid)]
                if sb.now() - at < UUID_WINDOW:
                    return ok(prior["response"])
            sb.check_rate(a["app_id"], f"{a['app_id']}:{receive_id}")
            if msg_type == "interactive":
                if parsed.get("type") == "card":
                    card_id = parsed.get("data", {}).get("card_id")
                    card = sb.cards.get(card_id)
                    if not card or card["app_id"] != a["app_id"]:
                        raise LarkError(400, 230099, "Failed to create card content, ext=ErrCode: 200740")
                    if card["sent"]:
                        raise LarkError(400, 230099, "Failed to create card content, ext=ErrCode: card entity can only be sent once")
                    card["sent"] = True
                else:
                    validate_card(parsed)
            now_ms = str(int(sb.now() * 1000))
            message_id = "om_" + secrets.token_hex(16)
            response = {"message_id": message_id, "root_id": "", "parent_id": "", "msg_type": msg_type,
                        "create_time": now_ms, "update_time": now_ms, "deleted": False, "updated": False,
                        "chat_id": "oc_" + hashlib.sha256(f"p2p:{a['app_id']}:{receive_id}".encode()).hexdigest()[:32],
                        "sender": {"id": a["app_id"], "id_type": "app_id", "sender_type": "app", "tenant_key": a["tenant_key"]},
                        "body": {"content": content}}
            record = {"message_id": message_id, "app_id": a["app_id"], "tenant_key": a["tenant_key"],
                      "brand": sb.served_brand(),
                      "receive_id_type": id_type, "receive_id": receive_id,
                      "recipient": user["user_id"] if user else None, "msg_type": msg_type,
                      "content": parsed, "uuid": uid, "at": sb.now(), "response": response}
            sb.messages.append(record)
            if uid:
                sb.uuids[(a["app_id"], uid)] = (sb.now(), record)
            return ok(response)
        return metered("message", run, scopes=("im:message", "im:message:send_as_bot", "im:message:send"))

    @app.post("/open-apis/cardkit/v1/cards")
    def card_create():
        body = request.get_json(force=True, silent=True) or {}

        def run(a):
            if body.get("type") != "card_json" or not isinstance(body.get("data"), str):
                raise LarkError(400, 10002, "invalid parameter: type must be card_json and data a string")
            try:
                card = json.loads(body["data"])
            except ValueError:
                raise LarkError(400, 200220, "card generation failed: data is not JSON")
            if card.get("schema") != "2.0":
                raise LarkError(400, 300303, "only schema 2.0 cards are supported")
            if len(body["data"].encode()) > CARD_LIMIT:
                raise LarkError(400, 200860, "card is too big")
            card_id = str(7_000_000_000_000_000_000 + len(sb.cards) + 1)
            sb.cards[card_id] = {"card_id": card_id, "app_id": a["app_id"], "card": card, "sequence": 0,
                                 "sent": False, "updates": 0, "created": sb.now()}
            return ok({"card_id": card_id})
        return metered("cardkit", run, scopes=("cardkit:card:write",))

    @app.put("/open-apis/cardkit/v1/cards/<card_id>")
    def card_update(card_id):
        body = request.get_json(force=True, silent=True) or {}

        def run(a):
            card = sb.cards.get(card_id)
            if not card:
                raise LarkError(400, 200740, "card entity not found")
            if card["app_id"] != a["app_id"]:
                raise LarkError(400, 300311, "only the creator app can update the card")
            seq = body.get("sequence")
            if not isinstance(seq, int) or seq <= card["sequence"]:
                raise LarkError(400, 300317, "sequence must strictly increase")
            data = (body.get("card") or {}).get("data")
            try:
                new = json.loads(data)
            except (TypeError, ValueError):
                raise LarkError(400, 10002, "invalid parameter: card.data")
            if len(data.encode()) > CARD_LIMIT:
                raise LarkError(400, 200860, "card is too big")
            card.update(card=new, sequence=seq, updates=card["updates"] + 1)
            return ok({})
        return metered("cardkit", run, scopes=("cardkit:card:write",))

    # ----- custom bot webhook (unmetered) ----------------------------------------------------
    @app.post("/open-apis/bot/v2/hook/<token>")
    def webhook(token):
        body = request.get_json(force=True, silent=True) or {}
        with sb.lock:
            hook = sb.hooks.get(token)
            if not hook:
                return jsonify({"code": 19001, "msg": "param invalid: incoming webhook access token invalid", "data": {}}), 200
            if hook.get("secret"):
                ts = str(body.get("timestamp", ""))
                string_to_sign = f"{ts}\n{hook['secret']}".encode()
                expected = base64.b64encode(hmac.new(string_to_sign, b"", hashlib.sha256).digest()).decode()
                if not ts.isdigit() or abs(int(ts) - sb.now()) > 3600 or not hmac.compare_digest(expected, str(body.get("sign", ""))):
                    return jsonify({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {}}), 200
            sb.webhook_posts.append({"token": token, "at": sb.now(), "body": body})
            return jsonify({"code": 0, "msg": "success", "data": {}})

    # ----- inspection and control ------------------------------------------------------------
    @app.get("/_sandbox/messages")
    def inspect_messages():
        with sb.lock:
            out = [m for m in sb.messages if all(request.args.get(k) in (None, m.get(k))
                                                 for k in ("app_id", "receive_id", "recipient"))]
            return jsonify({"messages": [{k: v for k, v in m.items() if k != "response"} for m in out]})

    @app.get("/_sandbox/cards")
    def inspect_cards():
        with sb.lock:
            return jsonify({"cards": list(sb.cards.values())})

    @app.get("/_sandbox/webhooks")
    def inspect_webhooks():
        with sb.lock:
            return jsonify({"posts": sb.webhook_posts})

    @app.get("/_sandbox/calls")
    def inspect_calls():
        with sb.lock:
            return jsonify({"calls": sb.calls})

    @app.get("/_sandbox/wrong_brand")
    def inspect_wrong_brand():
        with sb.lock:
            return jsonify({"calls": sb.wrong_brand})

    @app.get("/_sandbox/usage")
    def inspect_usage():
        with sb.lock:
            return jsonify({"usage": [{"tenant_key": t, "month": m, "calls": c} for (t, m), c in sb.usage.items()],
                            "month": sb.month()})

    @app.get("/_sandbox/users")
    def inspect_users():
        app_id = request.args.get("app_id")
        tenant_key = request.args.get("tenant_key")
        with sb.lock:
            users = []
            for u in sb.users.values():
                if tenant_key and u["tenant_key"] != tenant_key:
                    continue
                entry = dict(u, union_id=derived_union_id(u["user_id"]))
                if app_id:
                    entry["open_id"] = derived_open_id(app_id, u["user_id"])
                users.append(entry)
            return jsonify({"users": users})

    @app.post("/_sandbox/users")
    def add_users():
        """Adds test users (benchmarks need hundreds): {"users": [{"user_id", "tenant_key", "name"}]}."""
        body = request.get_json(force=True, silent=True) or {}
        users = body.get("users")
        if not isinstance(users, list) or not all(isinstance(u, dict) and u.get("user_id") and u.get("tenant_key") for u in users):
            return jsonify({"message": "send users: [{user_id, tenant_key, name}]"}), 400
        with sb.lock:
            for u in users:
                if u["tenant_key"] not in sb.tenants:
                    return jsonify({"message": f"no tenant {u['tenant_key']}"}), 400
                sb.users[u["user_id"]] = {"user_id": u["user_id"], "tenant_key": u["tenant_key"],
                                          "name": u.get("name", u["user_id"]), "title": u.get("title", "")}
            return jsonify({"users": len(sb.users)})

    @app.get("/_sandbox/apps")
    def inspect_apps():
        with sb.lock:
            return jsonify({"apps": [{k: v for k, v in a.items() if k != "app_secret"} for a in sb.apps.values()],
                            "tenants": list(sb.tenants.values())})

    @app.post("/_sandbox/apps/<app_id>/secret")
    def rotate_secret(app_id):
        """The customer resets their App Secret in the developer console: the old one stops
        working at once (tokens already issued stay valid until they expire, as Lark's do)."""
        body = request.get_json(force=True, silent=True) or {}
        with sb.lock:
            a = sb.apps.get(app_id)
            if not a or not body.get("secret"):
                return jsonify({"message": "no such app, or no secret given"}), 400
            a["app_secret"] = str(body["secret"])
            return jsonify({"rotated": app_id})

    @app.post("/_sandbox/faults")
    def add_fault():
        body = request.get_json(force=True, silent=True) or {}
        if body.get("kind") not in ("rate_limit", "server_error", "latency", "quota", "token_invalid"):
            return jsonify({"message": "kind must be one of rate_limit, server_error, latency, quota, token_invalid"}), 400
        with sb.lock:
            sb.faults.append({"kind": body["kind"], "remaining": body.get("count"), "path": body.get("path"),
                              "app_id": body.get("app_id"), "reset_seconds": body.get("reset_seconds", 1),
                              "latency_ms": body.get("latency_ms", 500), "status": body.get("status", 500)})
            return jsonify({"faults": sb.faults})

    @app.delete("/_sandbox/faults")
    def clear_faults():
        with sb.lock:
            sb.faults.clear()
            return jsonify({"faults": []})

    @app.post("/_sandbox/clock")
    def advance_clock():
        body = request.get_json(force=True, silent=True) or {}
        with sb.lock:
            if "set" in body:
                # Freeze the clock at this moment (null unfreezes): benchmarks stamp what the bots
                # sent with their own simulated time.
                sb.frozen_at = None if body["set"] is None else float(body["set"])
            elif sb.frozen_at is not None:
                sb.frozen_at += float(body.get("advance_seconds", 0))
            else:
                sb.clock_offset += float(body.get("advance_seconds", 0))
            return jsonify({"now": sb.now()})

    @app.post("/_sandbox/tokens/expire")
    def expire_tokens():
        with sb.lock:
            for rec in sb.tenant_tokens.values():
                rec["expires_at"] = 0
            return jsonify({"expired": len(sb.tenant_tokens)})

    @app.post("/_sandbox/tenants/<tenant_key>")
    def set_tenant(tenant_key):
        body = request.get_json(force=True, silent=True) or {}
        with sb.lock:
            t = sb.tenants.get(tenant_key)
            if not t:
                return jsonify({"message": "no such tenant"}), 404
            for k in ("plan", "quota", "name"):
                if k in body:
                    t[k] = body[k]
            if "usage" in body:
                sb.usage[(tenant_key, sb.month())] = int(body["usage"])
            return jsonify(t)

    @app.post("/_sandbox/reset")
    def reset():
        sb.reset_traffic() if request.args.get("keep_tokens") else sb.reset_all()
        return jsonify({"ok": True})

    @app.get("/_sandbox/avatar/<name>.svg")
    def avatar(name):
        hue = int(hashlib.sha256(name.encode()).hexdigest()[:2], 16) * 360 // 256
        letter = html.escape(name.replace("tk_", "")[:1].upper())
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" rx="48" '
               f'fill="hsl({hue},60%,50%)"/><text x="48" y="62" font-size="44" text-anchor="middle" fill="#fff" '
               f'font-family="sans-serif">{letter}</text></svg>')
        return Response(svg, mimetype="image/svg+xml")


    # ----- the messenger: a person's bot chats, cards rendered, buttons that call back ----------
    # What Lark's client does with tamlink's cards (docs/lark.md §6, §7): shows them, updates
    # CardKit entities in place, and on a button press sends `card.action.trigger` to the app's
    # callback URL, signed and encrypted when the app has an Encrypt Key, then shows the toast and
    # the card from the reply, or the client's error code when the app misbehaves.

    def card_of(m):
        content = m["content"]
        card_id = (content.get("data") or {}).get("card_id") if content.get("type") == "card" else None
        if card_id and card_id in sb.cards:
            return sb.cards[card_id]["card"], card_id
        return content, None

    def callbacks_in(node, out):
        if isinstance(node, dict):
            if node.get("tag") == "button":
                for b in node.get("behaviors") or []:
                    if b.get("type") == "callback":
                        out.append(b.get("value"))
            for v in node.values():
                callbacks_in(v, out)
        elif isinstance(node, list):
            for v in node:
                callbacks_in(v, out)
        return out

    COLOURS = {"blue": "#3370ff", "wathet": "#7fb3ff", "turquoise": "#14c0ff", "green": "#34c724",
               "yellow": "#ffc60a", "orange": "#ff8800", "red": "#f54a45", "carmine": "#d83931",
               "violet": "#8f5cff", "purple": "#7f3bf5", "indigo": "#4954e6", "grey": "#8f959e"}

    def render_card(card, message_id):
        counter = [0]
        in_form = [False]

        def node(n):
            if isinstance(n, list):
                return "".join(node(x) for x in n)
            if not isinstance(n, dict):
                return ""
            tag = n.get("tag")
            if tag == "form":
                # A form's submit buttons send its inputs along (`form_value`).
                in_form[0] = True
                inner = node(n.get("elements") or [])
                in_form[0] = False
                return (f'<form method=post action="/_sandbox/messenger/press" class=lark-form>'
                        f'<input type=hidden name=message_id value="{message_id}">{inner}</form>')
            if tag == "input":
                hint = html.escape((n.get("placeholder") or {}).get("content", ""))
                return (f'<input class=lark-input name="field:{html.escape(n.get("name", ""))}" placeholder="{hint}" '
                        f'maxlength="{int(n.get("max_length", 1000))}" aria-label="{hint}">')
            if tag in ("div",):
                return f'<p class=text>{html.escape((n.get("text") or {}).get("content", ""))}</p>'
            if tag in ("markdown", "plain_text"):
                return f'<p class=text>{html.escape(n.get("content", ""))}</p>'
            if tag == "button":
                label = html.escape((n.get("text") or {}).get("content", ""))
                kind = html.escape(n.get("type", "default"))
                for b in n.get("behaviors") or []:
                    if b.get("type") == "callback":
                        i = counter[0]
                        counter[0] += 1
                        if in_form[0]:
                            return (f'<button class="btn {kind}" name=button value="{i}" data-action="{label}">'
                                    f'{label}</button>')
                        return (f'<form method=post action="/_sandbox/messenger/press" class=inline>'
                                f'<input type=hidden name=message_id value="{message_id}">'
                                f'<input type=hidden name=button value="{i}">'
                                f'<button class="btn {kind}" data-action="{label}">{label}</button></form>')
                    if b.get("type") == "open_url":
                        url = html.escape(b.get("pc_url") or b.get("default_url", ""))
                        page = html.escape(b.get("default_url", ""))
                        return f'<a class="btn {kind}" href="{page}" data-applink="{url}">{label}</a>'
                return f'<span class=btn>{label}</span>'
            return node(n.get("elements") or n.get("columns") or [])

        header = card.get("header") or {}
        colour = COLOURS.get(header.get("template", ""), "#8f959e")
        title = html.escape((header.get("title") or {}).get("content", ""))
        subtitle = html.escape((header.get("subtitle") or {}).get("content", ""))
        body = node((card.get("body") or {}).get("elements") or card.get("elements") or [])
        return (f'<div class=card data-message="{message_id}"><div class=head style="background:{colour}">'
                f'<b class=title>{title}</b><div class=sub>{subtitle}</div></div><div class=body>{body}</div></div>')

    @app.get("/_sandbox/messenger")
    def messenger():
        user_id = request.args.get("user", "")
        app_filter = request.args.get("app_id")
        with sb.lock:
            user = sb.users.get(user_id)
            if not user:
                return Response("unknown user", status=404)
            chats = [m for m in sb.messages if m.get("recipient") == user_id and m["msg_type"] == "interactive"
                     and (app_filter in (None, m["app_id"]))]
            cards = "".join(render_card(card_of(m)[0], m["message_id"]) for m in chats)
        toast = request.args.get("toast")
        toast_html = (f'<div class="toast {html.escape(request.args.get("toast_type", "info"))}" role=status>'
                      f'{html.escape(toast)}</div>') if toast else ""
        return Response(f"""<!doctype html><meta charset=utf-8><title>Lark · {html.escape(user["name"])}</title>
<style>body{{font-family:system-ui;margin:0;background:#f5f6f7}}header{{background:#1f2329;color:#fff;padding:12px 20px}}
main{{max-width:520px;margin:16px auto}}.card{{background:#fff;border-radius:8px;margin:12px 0;box-shadow:0 1px 3px #0002;overflow:hidden}}
.head{{color:#fff;padding:10px 14px}}.sub{{opacity:.85;font-size:13px}}.body{{padding:10px 14px}}.text{{margin:6px 0}}
.btn{{display:inline-block;margin:4px 6px 4px 0;padding:6px 12px;border-radius:6px;border:1px solid #d0d3d6;background:#fff;color:#1f2329;text-decoration:none;font:inherit;cursor:pointer}}
.btn.danger{{background:#f54a45;color:#fff;border-color:#f54a45}}.btn.primary{{background:#3370ff;color:#fff;border-color:#3370ff}}
form.inline{{display:inline}}.lark-input{{display:block;width:100%;box-sizing:border-box;margin:6px 0;padding:6px 8px;border:1px solid #d0d3d6;border-radius:6px;font:inherit}}.toast{{position:sticky;top:0;padding:10px 20px;color:#fff;background:#3370ff}}.toast.error{{background:#f54a45}}.toast.success{{background:#34c724}}</style>
<header>Lark (sandbox) · {html.escape(user["name"])}'s bot chats</header>{toast_html}<main>{cards or "<p>No cards yet.</p>"}</main>""",
                        mimetype="text/html")

    def send_callback(a, user, value, message, form_value=None):
        """What Lark does when a button is pressed: the callback, then the client's view of the reply."""
        if not a.get("callback_url"):
            return None, "200340"
        tenant_key = a["tenant_key"]
        payload = {
            "schema": "2.0",
            "header": {"event_id": secrets.token_hex(16), "token": a.get("verification_token", ""),
                       "create_time": str(int(sb.now() * 1_000_000)), "event_type": "card.action.trigger",
                       "tenant_key": tenant_key, "app_id": a["app_id"]},
            "event": {"operator": {"tenant_key": tenant_key, "open_id": derived_open_id(a["app_id"], user["user_id"]),
                                   "union_id": derived_union_id(user["user_id"])},
                      "token": "c-" + secrets.token_hex(12),
                      "action": {"tag": "button", "value": value,
                                 **({"form_value": form_value} if form_value is not None else {})},
                      "host": "im_message",
                      "context": {"open_message_id": message["message_id"],
                                  "open_chat_id": message["response"]["chat_id"]}},
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        key = a.get("encrypt_key")
        if key:
            body = json.dumps({"encrypt": encrypt(key, body)}).encode()
            ts, nonce = str(int(sb.now())), secrets.token_hex(8)
            headers.update({"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                            "X-Lark-Signature": hashlib.sha256(ts.encode() + nonce.encode() + key.encode() + body).hexdigest()})
        import urllib.request, urllib.error, socket
        req = urllib.request.Request(a["callback_url"], data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=3) as resp:
                raw = resp.read()
        except urllib.error.HTTPError:
            return None, "200671"
        except (socket.timeout, TimeoutError):
            return None, "200341"
        except (urllib.error.URLError, OSError):
            return None, "200342"
        try:
            reply = json.loads(raw or b"{}")
        except ValueError:
            return None, "200672"
        card = (reply.get("card") or {})
        if card and (card.get("type") != "raw" or not isinstance(card.get("data"), dict)
                     or card["data"].get("schema") != "2.0"):
            return None, "200673"
        return reply, None

    @app.post("/_sandbox/messenger/press")
    def messenger_press():
        message_id = request.form.get("message_id", "")
        index = int(request.form.get("button", "0"))
        with sb.lock:
            m = next((x for x in sb.messages if x["message_id"] == message_id), None)
            if not m:
                return Response("unknown message", status=404)
            card, card_id = card_of(m)
            values = callbacks_in(card, [])
            if index >= len(values):
                return Response("no such button", status=404)
            a, user = sb.apps[m["app_id"]], sb.users[m["recipient"]]
        fields = {k[len("field:"):]: v for k, v in request.form.items() if k.startswith("field:")}
        # Outside the lock: the app may call the sandbox while it answers.
        reply, error = send_callback(a, user, values[index], m, fields if fields else None)
        if error:
            toast, kind = f"Something went wrong ({error}).", "error"
        else:
            t = reply.get("toast") or {}
            toast, kind = t.get("content", ""), t.get("type", "info")
            new = (reply.get("card") or {}).get("data")
            if new:
                with sb.lock:
                    if card_id:
                        sb.cards[card_id]["card"] = new
                    else:
                        m["content"] = new
        query = {"user": user["user_id"], "app_id": m["app_id"]}
        if toast:
            query.update({"toast": toast, "toast_type": kind})
        return redirect("/_sandbox/messenger?" + urlencode(query), code=303)

    @app.get("/")
    def index():
        with sb.lock:
            rows = "".join(
                f"<tr><td>{time.strftime('%H:%M:%S', time.localtime(m['at']))}</td><td>{html.escape(m['app_id'])}</td>"
                f"<td>{html.escape(sb.users.get(m['recipient'] or '', {}).get('name', m['receive_id']))}</td>"
                f"<td>{html.escape(m['msg_type'])}</td><td><code>{html.escape(json.dumps(m['content'])[:300])}</code></td></tr>"
                for m in reversed(sb.messages[-200:]))
        return Response(f"""<!doctype html><meta charset=utf-8><title>Lark sandbox</title>
<body style="font-family:system-ui;margin:24px"><h1>Lark sandbox</h1><p>Messages the bots sent (newest first).
Messengers: {" · ".join(f'<a href="/_sandbox/messenger?user={html.escape(u)}">{html.escape(v["name"])}</a>' for u, v in sb.users.items())}.
JSON: <a href="/_sandbox/messages">/_sandbox/messages</a>, <a href="/_sandbox/usage">usage</a>,
<a href="/_sandbox/users">users</a>, <a href="/_sandbox/calls">calls</a>.</p>
<table border=1 cellpadding=4 style="border-collapse:collapse"><tr><th>at</th><th>app</th><th>to</th><th>type</th><th>content</th></tr>{rows}</table>""",
                        mimetype="text/html")

    @app.errorhandler(404)
    def not_found(_):
        return jsonify({"code": 404, "msg": "404 page not found"}), 404

    return app


def add_query(url: str, params: dict) -> str:
    parts = urlparse(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunparse(parts._replace(query=urlencode(query)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="Lark's listener")
    parser.add_argument("--feishu-port", type=int, default=0, help="Feishu's listener (0: --port + 1)")
    parser.add_argument("--seed", required=True)
    parser.add_argument("--base-url", required=True, help="tamlink's public base URL, substituted for {BASE} in the seed")
    args = parser.parse_args()
    with open(args.seed, encoding="utf-8") as fh:
        seed = json.load(fh)
    feishu_port = args.feishu_port or args.port + 1
    app = create_app(Sandbox(seed, args.base_url, {args.port: "lark", feishu_port: "feishu"}))
    import logging
    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    feishu = make_server(args.host, feishu_port, app, threaded=True)
    threading.Thread(target=feishu.serve_forever, daemon=True).start()
    print(f"lark sandbox listening on http://{args.host}:{args.port} (Lark) and "
          f"http://{args.host}:{feishu_port} (Feishu)", flush=True)
    make_server(args.host, args.port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
