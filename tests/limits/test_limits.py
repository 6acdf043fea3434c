#!/usr/bin/env python3
"""tests/limits/test_limits.py: every limit of the limit table, proven at
its edge through the command line (issue 5; docs/security.md, "Limits").

    test_limits.py REPORTGEN SRCROOT WORKDIR

For each limit that `reportgen check --help` lists (the help prints
rg_limit_table, so a new limit without a case here fails the test), a
bundle is built whose measure of that limit is a known value V, then
checked twice:

    --OPTION V       accepted: exit 0 or 1, nothing says the limit
    --OPTION V-1     refused:  exit 2, and the message names --OPTION

The limits table of docs/security.md must give every limit with the
default the program prints.  Then memory while refusing: a 1 GiB entry of zeros (about 1 MiB deflated)
is refused both when its header declares the size and when the header lies
(declares 1000 bytes), and an 8 MiB entry compressed 1000 to 1 with a lying
header is refused too (the ratio limit must hold on real bytes), with the
default limits; the peak RSS of the reportgen process stays under 100 MB and
it ends within 60 s, so no entry was inflated whole.

Then the bombs of issue 15, at full size (tests/limits/zipbombs.py): Fifield's
overlapping-entry bomb (7,700 entries, 1.2 MB declaring 10 GB), the same
with every central record on one local file, and 9,990 honest entries of
1 MiB of zeros (10 MB declaring 10 GB), listed and unlisted.  Each must be
refused with one error naming its cause and nothing else (one error per
cause), within the same bounds.  How fast and how small the refusal is, is
measured by bench/bombs.sh, not here.
"""
import hashlib
import io
import os
import re
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib

ZIPBOMBS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zipbombs.py")
sys.path.insert(0, os.path.dirname(ZIPBOMBS))
import zipbombs  # noqa: E402  (its manifest; the bombs are written in a child process)

STAMP = (2024, 5, 1, 12, 0, 0)
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def manifest(files):
    """The manifest listing files ([(name, bytes)]) with their digests."""
    return zipbombs.manifest([(p, hashlib.sha256(b).hexdigest()) for p, b in files])


FINDINGS = (
    "email_id,sent_at,sender,recipients,reviewed_at,reviewer,contains_secret,impact\n"
    "MSG-1,2024-01-15T09:12:00-05:00,a@partner.example,ops@agency.gov,"
    "2024-04-10T14:00:00-04:00,J. Smith,yes,high\n"
    "MSG-2,2024-01-16T10:00:00Z,c@partner.example,ops@agency.gov,"
    "2024-04-11T09:00:00-04:00,J. Smith,no,none\n")
SECRETS = (
    "secret_id,email_id,kind,account,application_in_use,identified_at\n"
    "S-1,MSG-1,password,svc@agency.gov,yes,2024-04-10T15:00:00-04:00\n")
REMEDIATIONS = (
    "secret_id,action,performed_at,performed_by\n"
    "S-1,reset,2024-04-11T09:00:00-04:00,IAM team\n")
LOG_REVIEWS = (
    "account,log_source,window_start,window_end,reviewed_at,reviewer,result\n"
    "svc@agency.gov,sign_in,2024-01-01T00:00:00Z,2024-04-12T00:00:00Z,"
    "2024-04-15T12:00:00Z,SOC,no_malicious_activity\n"
    "svc@agency.gov,audit,2024-01-01T00:00:00Z,2024-04-12T00:00:00Z,"
    "2024-04-15T12:00:00Z,SOC,no_malicious_activity\n")
# The longest record and the longest field of the bundle are both here, on
# line 3: a notes field of NOTE bytes in a record of known length.
NOTE = 150


def timeline():
    rows = [
        "at,event,actor,reference,notes",
        "2024-04-02T15:10:00-04:00,notification_received,CISO,MB-2024-0417,",
        "2024-04-03T09:00:00-04:00,analysis_started,SOC,,\"" + "n" * NOTE + "\"",
        "2024-04-12T17:00:00-04:00,analysis_completed,SOC,,",
        "2024-04-08T12:00:00-04:00,initial_report_submitted,CISO,CISA-123,",
        "2024-04-20T12:00:00-04:00,impact_analysis_completed,SOC,attachments/ia.txt,",
        "2024-04-22T12:00:00-04:00,privileged_access_review_completed,IAM team,,",
        "2024-04-30T12:00:00-04:00,status_report_submitted,CISO,CISA-124,",
    ]
    return "\r\n".join(rows) + "\r\n"


SIGNINS = (
    "created_at,user_principal_name,app_display_name,ip_address,status,correlation_id\n"
    "2024-04-05T10:00:00Z,svc@agency.gov,Portal,203.0.113.5,success,c1\n"
    "2024-04-05T11:00:00Z,svc@agency.gov,Portal,203.0.113.6,failure,c2\n")


def members(big_attachment=None):
    files = [("findings.csv", FINDINGS.encode()), ("secrets.csv", SECRETS.encode()),
             ("remediations.csv", REMEDIATIONS.encode()), ("log-reviews.csv", LOG_REVIEWS.encode()),
             ("timeline.csv", timeline().encode()), ("signins.csv", SIGNINS.encode()),
             ("attachments/ia.txt", b"impact analysis\n")]
    if big_attachment is not None:
        files.append(("attachments/big.bin", big_attachment))
    return [("manifest.xml", manifest(files))] + files


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def record_lengths(data):
    """Bytes of each CSV record without its line end (the fields here
    hold no quoted newlines)."""
    return [len(r) for r in data.decode().replace("\r\n", "\n").split("\n") if r]


def xml_depth(data):
    depth = best = 0
    for m in re.finditer(rb"<(/?)[A-Za-z][^>]*?(/?)>", data):
        if m.group(1):
            depth -= 1
        elif not m.group(2):
            depth += 1
            best = max(best, depth)
        else:
            best = max(best, depth + 1)
    return best


def run(exe, args, timeout=120):
    p = subprocess.Popen([exe] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    start = time.monotonic()
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, err.decode(errors="replace"), time.monotonic() - start
    return p.returncode, err.decode(errors="replace"), time.monotonic() - start


def run_measured(exe, args, timeout):
    """Exit status, stderr, seconds and peak RSS (KiB) of one process."""
    with open(os.devnull, "wb") as devnull:
        p = subprocess.Popen([exe] + args, stdout=devnull, stderr=subprocess.PIPE)
        start = time.monotonic()
        # Read stderr while waiting; os.wait4 gives this child's own rusage.
        chunks = []
        t = threading.Thread(target=lambda: chunks.append(p.stderr.read()))
        t.start()
        deadline = start + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)
        t.join()
        err = b"".join(chunks)
    return p.returncode, err.decode(errors="replace"), time.monotonic() - start, ru.ru_maxrss


def edge(exe, name, zip_path, option, value):
    rc, err, _ = run(exe, ["check", "-j", "1", option, str(value), zip_path])
    if rc not in (0, 1) or option in err:
        fail("%s: %s %d (at the limit) should be accepted; exit %s\n%s"
             % (name, option, value, rc, err))
    else:
        print("ok: %s: %s %d accepted (exit %d)" % (name, option, value, rc), flush=True)
    rc, err, _ = run(exe, ["check", "-j", "1", option, str(value - 1), zip_path])
    if rc != 2 or option not in err:
        fail("%s: %s %d (one under the bundle) should be refused with exit 2 naming %s; "
             "exit %s\n%s" % (name, option, value - 1, option, rc, err))
    else:
        line = next((l for l in err.splitlines() if option in l), "")
        print("ok: %s: %s %d refused: %s" % (name, option, value - 1, line.strip()), flush=True)


def limit_defaults(exe):
    """{option: default} as `check --help` prints rg_limit_table."""
    p = subprocess.run([exe, "check", "--help"], capture_output=True, text=True)
    return dict(re.findall(r"^\s+(--max-[a-z-]+)\s.*\(default (\d+) ", p.stdout + p.stderr, re.M))


def check_docs(srcroot, defaults):
    with open(os.path.join(srcroot, "docs", "security.md"), encoding="utf-8") as f:
        doc = dict(re.findall(r"^\| `(--max-[a-z-]+)` \|[^|]*\| (\d+) ", f.read(), re.M))
    if doc != defaults:
        fail("docs/security.md's limits table differs from check --help: docs %s, program %s"
             % (sorted(set(doc.items()) - set(defaults.items())),
                sorted(set(defaults.items()) - set(doc.items()))))
    else:
        print("ok: docs/security.md lists the %d limits with their defaults" % len(doc))


def deflate_zeros(n):
    """Raw deflate of n zero bytes, streamed (never n bytes in memory)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    out = io.BytesIO()
    crc = 0
    left = n
    while left:
        k = min(left, len(chunk))
        out.write(c.compress(chunk[:k]))
        crc = zlib.crc32(chunk[:k], crc)
        left -= k
    out.write(c.flush())
    return out.getvalue(), crc


def bomb_zip(path, declared, real=1 << 30):
    """A bundle whose attachments/bomb.bin inflates to `real` zeros; its
    headers declare `declared` bytes (a lie when declared < real).  The
    manifest lists the digest of the real content, so only a limit can
    stop it."""
    comp, crc = deflate_zeros(real)
    h = hashlib.sha256()
    chunk = bytes(1 << 20)
    for _ in range(real >> 20):
        h.update(chunk)
    tl = ("at,event,actor,reference,notes\n"
          "2024-04-02T15:10:00-04:00,notification_received,CISO,MB-1,\n").encode()
    files = [("timeline.csv", tl)]
    man = manifest(files).replace(
        b"  </files>", b'    <file path="attachments/bomb.bin" sha256="'
        + h.hexdigest().encode() + b'"/>\n  </files>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("manifest.xml", man)] + files:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    # Append the bomb entry by hand (zipfile cannot write a lying size).
    data = buf.getvalue()
    eocd = data.rfind(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack("<II", data[eocd + 12:eocd + 20])
    n_entries = struct.unpack("<H", data[eocd + 10:eocd + 12])[0]
    body, cdir = data[:cd_off], data[cd_off:cd_off + cd_size]
    name = b"attachments/bomb.bin"
    size32 = min(declared, 0xFFFFFFFF)
    local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0x5821, crc,
                        len(comp), size32, len(name), 0) + name
    off = len(body)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0x5821, crc,
                          len(comp), size32, len(name), 0, 0, 0, 0, 0, off) + name
    body += local + comp
    cd = cdir + central
    end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, n_entries + 1, n_entries + 1,
                      len(cd), len(body), 0)
    with open(path, "wb") as f:
        f.write(body + cd + end)


def main():
    exe, srcroot, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    env_ok = subprocess.run([exe, "--version"], capture_output=True).returncode == 0
    if not env_ok:
        print("reportgen does not run", file=sys.stderr)
        return 1

    entries = members()
    base = os.path.join(work, "limits-base.zip")
    write_zip(base, entries)
    rc, err, _ = run(exe, ["check", "-j", "1", base])
    if rc not in (0, 1):
        fail("the base bundle is not accepted with the default limits (exit %s):\n%s" % (rc, err))
        return 1

    sizes = {n: len(d) for n, d in entries}
    csvs = {n: d for n, d in entries if n.endswith(".csv")}
    small_csvs = {n: d for n, d in csvs.items() if n != "signins.csv"}
    with zipfile.ZipFile(base) as z:
        n_entries = len(z.infolist())
    measures = {
        "--max-entries": (base, n_entries),
        "--max-total-size": (base, sum(sizes.values())),
        "--max-entry-size": (base, max(v for n, v in sizes.items() if n != "signins.csv")),
        "--max-signins-size": (base, sizes["signins.csv"]),
        "--max-line-length": (base, max(max(record_lengths(d)) for d in csvs.values())),
        "--max-field-length": (base, NOTE),
        "--max-rows": (base, max(len(record_lengths(d)) - 1 for d in small_csvs.values())),
        "--max-signin-rows": (base, len(record_lengths(csvs["signins.csv"])) - 1),
        "--max-xml-size": (base, sizes["manifest.xml"]),
        "--max-xml-depth": (base, xml_depth(dict(entries)["manifest.xml"])),
    }
    # The ratio applies to entries over 1 MiB: 2 MiB of zeros, whose
    # compressed size zipfile reports.
    ratio_zip = os.path.join(work, "limits-ratio.zip")
    write_zip(ratio_zip, members(bytes(2 << 20)))
    with zipfile.ZipFile(ratio_zip) as z:
        big = z.getinfo("attachments/big.bin")
        measures["--max-ratio"] = (ratio_zip, big.file_size // big.compress_size)
    # Sanity of the measures themselves: the longest field is the notes.
    assert measures["--max-line-length"][1] > NOTE

    defaults = limit_defaults(exe)
    check_docs(srcroot, defaults)
    options = list(defaults)
    if len(options) < 10:
        fail("check --help lists only %d limits: %s" % (len(options), options))
    for opt in options:
        if opt not in measures:
            fail("%s: no limits case for this limit (add one to test_limits.py)" % opt)
            continue
        path, value = measures[opt]
        edge(exe, os.path.basename(path), path, opt, value)

    # Memory while refusing a bomb, default limits.  The lying headers
    # declare 1000 bytes: the entry must be abandoned once it inflates
    # past what its header declares (else --max-ratio and --max-total-size,
    # checked on declared sizes, would not hold).
    bombs = (("1 GiB, honest header", 1 << 30, 1 << 30, "--max-entry-size"),
             ("1 GiB, lying header", 1000, 1 << 30, "does not inflate to the 1000 bytes"),
             ("8 MiB at ratio 1000, lying header", 1000, 8 << 20,
              "does not inflate to the 1000 bytes"))
    for i, (label, declared, real, expect) in enumerate(bombs):
        path = os.path.join(work, "limits-bomb-%d.zip" % i)
        if not os.path.exists(path):
            bomb_zip(path, declared, real)
        rc, err, secs, rss_kib = run_measured(exe, ["check", "-j", "1", path], 60)
        info = "exit %s, %.1f s, peak RSS %.1f MB, %d KB zip" % (
            rc, secs, rss_kib / 1024, os.path.getsize(path) >> 10)
        if rc != 2 or expect not in err:
            fail("bomb (%s): should be refused with exit 2 saying \"%s\"; %s\n%s"
                 % (label, expect, info, err))
        elif rss_kib > 100 * 1024 or secs > 60:
            fail("bomb (%s): refused but not within bounds (100 MB, 60 s): %s" % (label, info))
        else:
            line = next((l for l in err.splitlines() if expect in l), "")
            print("ok: bomb (%s): %s: %s" % (label, info, line.strip()), flush=True)

    # The bombs of issue 15: refused from the directory, one error each.
    # Written by another process: the peak RSS that wait4 reports for a
    # child counts what it shared with this one at fork time.
    issue15 = (("overlap", ["overlap"], "7699 entries overlap another"),
               ("shared", ["shared"], "7699 entries overlap another"),
               ("many entries, listed", ["many"], "to 1 as a whole, more than the limit"),
               ("many entries, unlisted", ["many", "--unlisted"],
                "to 1 as a whole, more than the limit"))
    for label, args, expect in issue15:
        path = os.path.join(work, "limits-%s.zip" % label.replace(" ", "-").replace(",", ""))
        if not os.path.exists(path):
            subprocess.run([sys.executable, ZIPBOMBS, args[0], path] + args[1:], check=True,
                           stdout=subprocess.DEVNULL)
        rc, err, secs, rss_kib = run_measured(exe, ["check", "-j", "1", path], 60)
        info = "exit %s, %.2f s, peak RSS %.1f MB, %d KB zip" % (
            rc, secs, rss_kib / 1024, os.path.getsize(path) >> 10)
        errors = [l for l in err.splitlines() if l.startswith("error:")]
        if rc != 2 or expect not in err:
            fail("bomb (%s): should be refused with exit 2 saying \"%s\"; %s\n%s"
                 % (label, expect, info, err[:3000]))
        elif len(errors) != 1 or "1 error, 0 warnings" not in err:
            fail("bomb (%s): one cause, so one error expected; %s\n%s" % (label, info, err[:3000]))
        elif rss_kib > 100 * 1024 or secs > 60:
            fail("bomb (%s): refused but not within bounds (100 MB, 60 s): %s" % (label, info))
        else:
            print("ok: bomb (%s): %s: %s" % (label, info, errors[0][:200]), flush=True)

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("all limits proven")
    return 0


if __name__ == "__main__":
    sys.exit(main())
