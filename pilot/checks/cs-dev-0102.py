"""Check script for cs-dev-0102: recomputes every number of the reference and rubric.

Parses the canary summary, DN-47's capacity inputs and the example link from the task's own
attachments; recomputes the hit-ratio ceiling, the unverified-URL count, the expiry year of a
millisecond value read as seconds, the forged concatenation pair, peak origin load and pod
counts; runs the diff's signing scheme (HMAC-SHA256 over "$docId$exp") to show that the forged
pair verifies; and asserts that each figure appears in the reference answer as stated.
"""
import base64
import calendar
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


pr = get("PR #2291 description")
dn = get("DN-47")
diff = get("PR #2291 diff")
tf = get("infra repo: cdn/portal.tf")
net = get("NET-311")
can = get("Canary access-log summary")

# --- CDN config facts -----------------------------------------------------------------------
has(tf, 'path_pattern             = "/docs/*"')
docs_block = tf.split('path_pattern             = "/docs/*"')[1].split("ordered_cache_behavior")[0]
assert "static_1h" in docs_block and "forward_all_qs" in docs_block
static = tf.split('resource "aws_cloudfront_cache_policy" "static_1h"')[1].split("resource ")[0]
assert 'query_string_behavior = "none"' in static
has(tf.split('"forward_all_qs" {')[1], 'query_string_behavior = "all"')
has(diff, '"public, max-age=3600"')
has(dn, "every signed link is its own cache entry")
has(net, "so query strings reach docs-svc")

# --- canary arithmetic ----------------------------------------------------------------------
req = num(can, "requests to /docs/*")
paths = num(can, "distinct paths (/docs/{id})")
urls = num(can, "distinct full URLs (path + query string)")
hits = num(can, "CloudFront x-edge-result-type Hit")
miss = num(can, "CloudFront Miss (forwarded to docs-svc)")
ok = num(can, 'docs-svc docs_link_verify_total{result="ok"}')
bad = num(can, 'docs-svc docs_link_verify_total{result="bad_sig"}')
exp0 = num(can, 'docs-svc docs_link_verify_total{result="expired"}')
assert (req, paths, urls, hits, miss) == (301884, 45583, 279545, 256246, 45638)
assert hits + miss == req and ok + bad + exp0 == miss and exp0 == 0
assert round(100 * hits / req, 1) == 84.9
ceiling = (req - urls) / req
assert round(100 * ceiling, 1) == 7.4
unverified = urls - miss
assert unverified == 233907
assert round(100 * (1 - paths / req), 1) == 84.9  # the reported ratio is the path-keyed ratio
for s in ["(301,884 − 279,545) / 301,884 = **7.4%**", "**84.9%** (256,246 hits)", "45,583 distinct paths",
          "45,638 requests", "**at least 233,907 distinct signed URLs", "`expired = 0`"]:
    has(ref, s)

# --- expiry unit bug ------------------------------------------------------------------------
has(diff, "toEpochMilli()"); has(diff, "Instant.ofEpochSecond(exp)")
m = re.search(r"/docs/(\d+)\?exp=(\d+)&kid=(\w+)", dn)
doc_id, exp_ms, kid = int(m.group(1)), int(m.group(2)), m.group(3)
assert (doc_id, exp_ms, kid) == (4412093, 1796030100000, "k3")
issued = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
assert int((issued + dt.timedelta(minutes=15)).timestamp() * 1000) == exp_ms


def year_of(epoch_seconds):
    days, y = epoch_seconds // 86400, 1970
    cycles = days // 146097          # 400-year Gregorian cycle
    days -= cycles * 146097
    y += 400 * cycles
    while days >= (366 if calendar.isleap(y) else 365):
        days -= 366 if calendar.isleap(y) else 365
        y += 1
    return y


assert year_of(exp_ms) == 58883
has(ref, "year **58,883**")

# --- concatenation forgery, run with the diff's own scheme ------------------------------------
has(diff, 'hmac(key.secret, "$docId$exp")')
msg = f"{doc_id}{exp_ms}"
assert msg == "44120931796030100000"
forged_id, forged_exp = int(msg[:6]), int(msg[6:])
assert (forged_id, forged_exp) == (441209, 31796030100000)
key = bytes(range(32))
sig = lambda d, e: base64.urlsafe_b64encode(hmac.new(key, f"{d}{e}".encode(), hashlib.sha256).digest()).rstrip(b"=")
assert sig(doc_id, exp_ms) == sig(forged_id, forged_exp)
assert year_of(forged_exp) == 1009546 and forged_exp < 2**63 - 1
assert forged_id < 9_410_000  # a real, older document id
for s in ["`44120931796030100000`", "docId **441209** with exp **31796030100000**", "year 1,009,546"]:
    has(ref, s)

# --- capacity ------------------------------------------------------------------------------
has(dn, "1.52 M downloads/day, mean object size 1.4 MB"); has(dn, "Peak hour carries 11%")
has(dn, "one docs-svc pod sustains 18 MB/s"); has(dn, "above about 20 MB/s")
has(dn, "8,610 requests"); has(pr, "scale docs-svc from 6 to 2 pods (CHG-4102")
per_day, size, peak_share, pod = 1.52e6, 1.4, 0.11, 18.0
assert round(per_day * size / 1e6, 2) == 2.13
rps = per_day * peak_share / 3600
assert round(rps, 1) == 46.4
peak = rps * size
assert round(peak, 1) == 65.0
origin = peak * (1 - round(ceiling, 3))
assert round(origin, 1) == 60.2
pods = math.ceil(origin / pod)
assert pods == 4 and math.ceil(peak / pod) == 4 and pods + 1 == 5
assert 2 * pod == 36 and origin / 2 > 20  # two pods run past the degradation point
assert round(per_day * size / 1e6 * (1 - round(ceiling, 3)), 2) == 1.97
assert round(2.13 * 0.926, 2) == 1.97
assert round(65.0 * 0.139, 1) == 9.0  # DN-47's own figure, reproduced from its 86.1% assumption
booklet = 0.336
has(can, "share of requests for policy-wording booklets           33.6%")
with_booklets = peak * (1 - booklet)
assert round(with_booklets) == 43 and math.ceil(with_booklets / pod) == 3
for s in ["46.4 req/s × 1.4 MB = 65.0 MB/s", "about **60.2 MB/s**", "**4 pods**", "**5 with N+1**",
          "about **1.97 TB/day** (2.13 × 0.926)", "≈ **43 MB/s**", "36 MB/s", "about 30 MB/s per pod", "9.0 MB/s"]:
    has(ref, s)

# --- other facts the review relies on --------------------------------------------------------
has(diff, '-    @GetMapping("/download")'); has(dn, "stays for 90 days after the 100% rollout")
has(dn, "deletes the previous one"); has(dn, "constant-time comparison"); has(diff, ") == sig")
assert dt.date(2026, 11, 30).strftime("%a") == "Mon" and dt.date(2026, 12, 7).strftime("%a") == "Mon"
has(pr, "Mon 7 Dec: docs.signed_links to 100%"); has(pr, "Tue 8 Dec")

for s in ["7.4%", "84.9%", "279,545", "301,884", "256,246", "233,9", "58,000-59,000", "4412093/1796030100000",
          "441209/31796030100000", "46.4 req/s", "65 MB/s", "60 MB/s", "36 MB/s", "20 MB/s", "5 with N+1"]:
    has(rubric, s)
print("cs-dev-0102 check: all assertions passed")
