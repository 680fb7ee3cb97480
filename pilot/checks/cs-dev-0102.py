"""Check script for cs-dev-0102: recomputes every number of the reference and rubric.

Parses the canary summary, NET-311, the Terraform excerpts, DN-47's capacity inputs and the diff
from the task's own attachments; reconciles docs-svc's edge-header downloads against CloudFront
misses and the direct-to-ALB user agents; counts the hourly synthetic runs; checks the enumerated
id range; runs the link format (HMAC-SHA256 over the delimited v1 payload) and the double-HMAC
comparison; recomputes peak, steady-state, cold-cache and booklet-only origin load and pod counts;
and asserts that each figure appears in the reference answer as stated.
"""
import base64
import datetime as dt
import hashlib
import hmac
import json
import math
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rubric = " ".join(c["text"] + " " + c.get("tolerance", "") for c in task["rubric"])


def get(prefix):
    hits = [v for k, v in att.items() if k.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


def has(text, s):
    assert s in text, f"not found: {s!r}"


def num(text, label):
    m = re.search(re.escape(label) + r"\s+([\d,]+)", text)
    assert m, label
    return int(m.group(1).replace(",", ""))


pr, dn, diff = get("PR #2291 description"), get("DN-47"), get("PR #2291 diff")
tf, net, slack, can = get("infra repo"), get("NET-311"), get("#customer-docs"), get("Canary access-log summary")

# --- the origin bypass: code and infrastructure facts ----------------------------------------
has(diff, 'req.getHeader("X-Lw-Edge-Verified") == "1"')
has(diff, "if (!viaEdge) {")
has(diff, "req.headers['x-lw-edge-verified'] = { value: '1' };")
has(diff, "req.querystring = {};")              # the edge strips exp/kid/sig before the origin
has(tf, "internal           = false")
has(tf, 'cidr_blocks = ["0.0.0.0/0"]')
assert "custom_header" not in tf                # no secret origin header on the distribution
has(tf, 'event_type   = "viewer-request"')       # verification runs on hits as well as misses
has(tf, 'query_string_behavior = "none"')
has(tf, "min_ttl     = 3600")
has(tf, 'health_check { path = "/healthz"')
has(diff, '"private, max-age=900"')

# --- canary reconciliation ------------------------------------------------------------------
cf_req = num(can, "requests")
fgr = num(can, "x-edge-result-type FunctionGeneratedResponse (403)")
hit = num(can, "x-edge-result-type Hit")
miss = num(can, "x-edge-result-type Miss")
alb_sec = can.split("alb-docs, /docs/*")[1]
alb_req = num(alb_sec, "requests")
alb_cf = num(alb_sec, "from CloudFront origin-facing IPs")
alb_other = num(alb_sec, "from other IPs")
py = num(alb_sec, "user agent python-requests/2.31.0")
syn = num(alb_sec, "user agent Lumenwell-Synthetics/3")
edge_hdr = num(can, 'docs_download_total{verified="edge_header"}')
origin_v = num(can, 'docs_download_total{verified="origin"}')
v_ok = num(can, 'docs_link_verify_total{result="ok"}')
v_fail = num(can, 'docs_link_verify_total{result="fail"}')
assert cf_req == hit + miss + fgr == 301945
assert round(100 * hit / (hit + miss), 1) == 84.9 and hit + miss == 301884
assert round(100 * miss / (hit + miss), 1) == 15.1
assert alb_cf == miss and alb_cf + alb_other == alb_req == edge_hdr + origin_v
assert py + syn == alb_other == 1116
bypass = edge_hdr - miss
assert bypass == py == 1094
assert origin_v == v_ok == syn == 22 and v_fail == 0
# synthetic runs: hourly from 29 Nov 02:00 up to the end of the window (last run 23:00)
has(net, "from 29 Nov 02:00, hourly")
runs = len(range(2, 24))
assert runs == syn == 22
# enumerated ids
m = re.search(r"(\d) client IPs, ([\d,]+) distinct paths, /docs/(\d+) to /docs/(\d+)", alb_sec)
ips, distinct, lo, hi = int(m.group(1)), int(m.group(2).replace(",", "")), int(m.group(3)), int(m.group(4))
assert (ips, distinct) == (3, 1094) and hi - lo + 1 == distinct == py
for s in ["**46,732**", "**45,638**", "46,732 − 45,638 = **1,094**", "22 `Lumenwell-Synthetics/3`",
          "**1,094 distinct, consecutive ids** (/docs/4408200 to /docs/4409293) from 3 IPs",
          "(22 ok, 0 fail)", "1,116", "256,246 / 301,884", "84.9%"]:
    has(ref, s)
for s in ["46,732", "45,638", "1,094", "1,116", "4408200-4409293", "22 hourly", "84.9%"]:
    has(rubric, s)

# --- link format and the double-HMAC comparison (sound parts) ----------------------------------
has(diff, 'private fun payload(docId: Long, exp: Long, kid: String) = "v1\\n$docId\\n$exp\\n$kid"')
has(diff, "'v1\\n' + m[1] + '\\n' + exp + '\\n' + q.kid.value")
has(diff, ".epochSecond"); has(diff, "MessageDigest.isEqual")
has(diff, "mac(blind, expected) !== mac(blind, q.sig.value)")
mx = re.search(r"/docs/(\d+)\?exp=(\d+)&kid=(\w+)", dn)
doc_id, exp, kid = int(mx.group(1)), int(mx.group(2)), mx.group(3)
issued = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
assert exp == int((issued + dt.timedelta(minutes=15)).timestamp()) == 1796030100  # seconds, consistent
key, blind = bytes(range(32)), bytes(range(32, 64))
mac = lambda k, s: base64.urlsafe_b64encode(hmac.new(k, s.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
payload = lambda d, e, k: f"v1\n{d}\n{e}\n{k}"
sig = mac(key, payload(doc_id, exp, kid))
assert mac(key, payload(441209, int("3" + str(exp)), kid)) != sig      # no shifted-digit forgery
assert mac(blind, mac(key, payload(doc_id, exp, kid))) == mac(blind, sig)
has(diff, "exp > now + 960"); assert 960 == 15 * 60 + 60
has(diff, "ttl.seconds + 60")

# --- stale corrected letters ---------------------------------------------------------------
has(dn, "3.6 Documents are write-once"); has(slack, "re-renders it in place under the same doc id")
has(slack, "DOCS-512"); has(slack, "About 300 a week")
assert 3600 // 60 == 60 and 900 // 60 == 15
for s in ["up to an hour", "15 minutes", "DOCS-512, about 300 a week"]:
    has(ref, s)

# --- capacity ------------------------------------------------------------------------------
has(dn, "1.52 M downloads/day, mean object size 1.4 MB"); has(dn, "Peak hour carries 11%")
has(dn, "one docs-svc pod sustains 18 MB/s"); has(dn, "above about 20 MB/s"); has(dn, "9.0 MB/s at origin")
has(pr, "scale docs-svc from 6 to 2 pods (CHG-4102")
per_day, size, share, pod = 1.52e6, 1.4, 0.11, 18.0
rps = per_day * share / 3600
assert round(rps, 1) == 46.4
peak = round(rps, 1) * size
assert round(peak, 1) == 65.0
miss_ratio = round(miss / (hit + miss), 3)
assert miss_ratio == 0.151
steady = 65.0 * miss_ratio
assert round(steady, 1) == 9.8 and steady < pod
assert round(65.0 * 0.139, 1) == 9.0          # DN-47's figure from its 86.1% sample
assert math.ceil(65.0 / pod) == 4 and 65.0 / 2 == 32.5 > 20
booklet = 0.336
has(can, "share of requests for policy-wording booklets           33.6%")
uncached = 65.0 * (1 - booklet)
assert round(uncached) == 43 and math.ceil(uncached / pod) == 3
for s in ["46.4 req/s × 1.4 MB = **65.0 MB/s**", "65.0 × 0.151 ≈ **9.8 MB/s**", "9.0 MB/s", "**4 pods**",
          "**32.5 MB/s**", "20 MB/s", "65.0 × 0.664 ≈ **43 MB/s**", "**3 pods, 4 with N+1**"]:
    has(ref, s)
for s in ["46.4 req/s", "65 MB/s", "9.8 MB/s", "32.5 MB/s", "20 MB/s", "43 MB/s", "4 pods", "3 pods (4 with N+1)"]:
    has(rubric, s)

# --- dates and plan ------------------------------------------------------------------------
assert dt.date(2026, 11, 30).strftime("%a") == "Mon" and dt.date(2026, 12, 7).strftime("%a") == "Mon"
assert dt.date(2026, 11, 26).strftime("%a") == "Thu"
has(pr, "Mon 7 Dec: docs.signed_links to 100%"); has(pr, "Wed 9 Dec: remove the flag")
has(diff, 'URI("/portal/documents")')          # /download kept as a redirect, as DN-47 §6 says
print("cs-dev-0102 check: all assertions passed")
