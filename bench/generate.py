#!/usr/bin/env python3
"""Generate realistic benchmark batches: 837P claims (ECM and CS lines) and 278 TARs.

    python bench/generate.py                      # 837P of 1, 10, 100 MB + 278s + a many-file batch
                                                  # + 20 MB of one-set interchanges
    python bench/generate.py --sizes 1,10 --no-batch
    python bench/generate.py --out /tmp/edi-bench --seed 7

Files go to ``bench/out/`` (git-ignored), are written streaming (one transaction set of
5,000 claims at a time) and are deterministic for a seed: the same seed gives the same
bytes, so two runs of the benchmark read the same claims.

What a batch looks like (a clearinghouse month for the ECM/CS plan of billing-rules.md):

* several thousand members (at least 3,000; more for bigger files so that each member has
  a claim or two a month over two years), under 25 billing providers;
* an ECM member gets one monthly line a month (G9008-U1 or G9012-U2, some with GQ), a
  successful engagement once, and team conferences (G9007) now and then; members not yet
  enrolled get outreach (G9012-U8/G9008-U8), at most three a month;
* a CS member gets the lines of one or two services a month: housing navigation (PMPM),
  tenancy, meals (2 a day), grocery boxes (weekly), recuperative care (a date span),
  short-term post-hospitalization, day habilitation, sobering center, 15-minute services;
* REF*G1 cites the member's TAR for the year; 3% of claims have a commercial 2320 other
  payer; 5% of members are dependents (2000C); 0.3% of claims are replacements (freq 7)
  and 0.1% voids (freq 8) of an earlier claim; about 0.5% of lines carry a billing mistake
  (wrong charge, wrong units, a span on a PMPM line, a missing REF*G1, a bad modifier), so
  the rules have something to report without drowning the report.

278 files: TAR requests, one TAR per file in a directory (how providers submit them), and
TAR responses (approved certifications for the members' TAR numbers), many transaction
sets in one file.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from edi_lint.testing.x12build import (  # noqa: E402
    Claim,
    Delims,
    Event,
    Line,
    OtherPayer,
    TarLine,
    interchange,
    npi,
    transaction_278_request,
    transaction_278_response,
    transaction_837,
)

OUT = ROOT / "bench" / "out"
CLAIMS_PER_ST = 5000
START_YEAR = 2024
MONTHS = 24  # service months 2024-01 .. 2025-12, then around again
PROVIDERS = [npi(f"{100000003 + 7919 * i:09d}") for i in range(25)]
LAST = ("GARCIA", "NGUYEN", "SMITH", "LOPEZ", "KIM", "JOHNSON", "PATEL", "HERNANDEZ", "LEE",
        "WONG", "MARTINEZ", "BROWN", "DAVIS", "CHEN", "WILSON", "ANDERSON")
FIRST = ("MARIA", "JOSE", "LINDA", "JAMES", "ANA", "DAVID", "MEI", "ROBERT", "ROSA", "JOHN",
         "KAREN", "LUIS", "SUSAN", "MICHAEL", "HOA", "PAUL")
# CS services: (code, modifier, kind); charges follow the profile's contract rates
CS_SERVICES = (
    ("H0043", "U6", "navigation"), ("H2016", "U6", "navigation"), ("T2040", "U6", "tenancy"),
    ("T2041", "U6", "tenancy"), ("S5170", "U6", "meals"), ("S9977", "U6", "grocery"),
    ("T2033", "U6", "recuperative"), ("H0044", "U3", "posthosp"), ("T2020", "U6", "dayhab"),
    ("H0014", "U6", "sobering"), ("S5130", "U6", "quarter"), ("T1019", "U6", "quarter"),
    ("H0045", "U6", "quarter"), ("S9470", "U6", "nutrition"),
)
DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class Member:
    __slots__ = ("no", "id", "name", "provider", "ecm", "ecm_code", "gq", "enroll_round",
                 "cs", "subscriber", "engaged", "posthosp_days")

    def __init__(self, no, rng: random.Random):
        self.no = no
        self.id = f"9{no:07d}A"  # CIN-like member id
        self.name = (rng.choice(LAST), rng.choice(FIRST))
        self.provider = rng.randrange(len(PROVIDERS))
        kind = rng.random()
        self.ecm = kind < 0.7  # 40% ECM only, 30% ECM and CS, 30% CS only
        self.ecm_code = ("G9008", "U1") if rng.random() < 0.5 else ("G9012", "U2")
        self.gq = rng.random() < 0.1
        self.enroll_round = rng.randrange(3) if self.ecm else None  # outreach before it
        self.cs = ()
        if kind >= 0.4:
            n = 1 if rng.random() < 0.7 else 2
            self.cs = tuple(rng.sample(CS_SERVICES, n))
            kinds = [kind for _, _, kind in self.cs]
            if len(set(kinds)) < n or {"meals", "grocery"} <= set(kinds):
                self.cs = self.cs[:1]  # one service of a kind; never meals and boxes (CS-11)
        self.subscriber = None  # a dependent's subscriber id (2000C patient loop)
        self.engaged = False
        self.posthosp_days = 0


def _month(r: int) -> tuple[int, int]:
    r %= MONTHS
    return START_YEAR + r // 12, r % 12 + 1


def _d8(year, month, day) -> str:
    return f"{year:04d}{month:02d}{day:02d}"


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class ClaimStream:
    """A deterministic stream of claims, member by member, month by month."""

    def __init__(self, members: int, seed: int = 1, rounds: range | None = None,
                 clm_prefix: str = "", mistakes: float = 0.005):
        self.rng = rng = random.Random(seed)
        self.members = [Member(n + 1, rng) for n in range(members)]
        for m in self.members:  # 5% dependents of the member before them
            if m.no > 1 and rng.random() < 0.05:
                m.subscriber = self.members[m.no - 2]
        self.rounds = rounds
        self.clm_prefix = clm_prefix
        self.mistakes = mistakes
        self.seq = 0
        self.recent: list[Claim] = []

    def __iter__(self):
        rounds = self.rounds if self.rounds is not None else range(10 ** 9)
        for r in rounds:
            for m in self.members:
                yield from self._member_month(m, r)

    # -- one member, one month --------------------------------------------------
    def _member_month(self, m: Member, r: int):
        rng = self.rng
        year, month = _month(r)
        last_day = DAYS_IN_MONTH[month - 1] + (1 if month == 2 and year % 4 == 0 else 0)
        yy = year % 100
        if m.ecm:
            cert = f"E{m.no:07d}{yy:02d}"
            lines = []
            if r < m.enroll_round:
                code = "G9012" if rng.random() < 0.5 else "G9008"
                for day in sorted(rng.sample(range(1, 28), rng.randint(1, 3))):
                    lines.append(Line(code, ("U8",), "5.00", "1", "UN", _d8(year, month, day)))
            else:
                code, mod = m.ecm_code
                mods = (mod, "GQ") if m.gq else (mod,)
                lines.append(Line(code, mods, "400.00", "1", "UN", _d8(year, month, 1), (cert,)))
                if not m.engaged:
                    m.engaged = True
                    lines.append(Line("G9012", (), "150.00", "1", "UN", _d8(year, month, 2),
                                      (cert,)))
                if rng.random() < 0.05:
                    lines.append(Line("G9007", (), "0.04", "4", "UN",
                                      _d8(year, month, rng.randint(3, 28))))
            yield self._claim(m, lines)
        for code, mod, kind in m.cs:
            lines = self._cs_lines(m, code, mod, kind, year, month, last_day, rng)
            if lines:
                yield self._claim(m, lines, cert=f"C{m.no:07d}{yy:02d}")

    def _cs_lines(self, m, code, mod, kind, year, month, last_day, rng):
        mods = (mod,)
        d = lambda day: _d8(year, month, day)  # noqa: E731
        if kind == "navigation":
            return [Line(code, mods, "386.00", "1", "UN", d(1))]
        if kind == "tenancy":
            return [Line(code, mods, "222.00", "1", "UN", d(rng.randint(1, 14)))]
        if kind == "meals":  # 2 meals a day over a week, day by day
            start = rng.randint(1, last_day - 7)
            return [Line(code, mods, "30.00", "2", "UN", d(start + i)) for i in range(7)]
        if kind == "grocery":  # weekly boxes, a week apart across months too
            return [Line(code, mods, "66.00", "1", "UN", d(day)) for day in (1, 8, 15, 22)]
        if kind == "recuperative":
            start = rng.randint(1, last_day - 10)
            return [Line(code, mods, "2040.00", "10", "UN", (d(start), d(start + 9)))]
        if kind == "posthosp":
            if m.posthosp_days >= 120:  # five months at most: one stay of under 180 days
                return []
            days = min(30, last_day)
            m.posthosp_days += days
            return [Line(code, mods, _money(10800 * days), str(days), "UN", (d(1), d(days)))]
        if kind == "dayhab":
            return [Line(code, mods, "42.00", "6", "UN", d(day))
                    for day in sorted(rng.sample(range(1, 28), 4))]
        if kind == "sobering":
            return [Line(code, mods, "170.00", "1", "UN", d(rng.randint(1, 28)))]
        if kind == "quarter":
            units = rng.choice((4, 8, 12))
            return [Line(code, mods, _money(825 * units), str(units), "UN", d(day))
                    for day in sorted(rng.sample(range(1, 28), 3))]
        return [Line(code, mods, "41.00", "1", "UN", d(rng.randint(1, 28)))]  # nutrition

    def _claim(self, m: Member, lines: list, cert: str | None = None) -> Claim:
        rng = self.rng
        if cert is not None:  # CS: the TAR number on every line
            lines = [Line(ln.code, ln.modifiers, ln.charge, ln.units, ln.basis, ln.dos, (cert,))
                     for ln in lines]
        if rng.random() < self.mistakes * len(lines):
            lines = self._mistake(lines, rng)
        roll = rng.random()
        if roll < 0.004 and self.recent:  # a replacement (0.3%) or a void (0.1%) of a recent claim
            old = rng.choice(self.recent)
            return Claim(old.clm01, old.lines, old.member, None, "11", "7" if roll < 0.003 else "8",
                         None, f"ICN{old.clm01}", old.other_payers, old.patient, old.billing_npi,
                         old.name, old.patient_name)
        self.seq += 1
        others = ()
        if rng.random() < 0.03:
            others = (OtherPayer("P", "CI", "BLUE SHIELD OF CALIFORNIA", "94036"),)
        sub = m.subscriber
        claim = Claim(f"{self.clm_prefix}{self.seq:08d}", tuple(lines),
                      sub.id if sub else m.id, None, "11", "1", None, None, others,
                      m.id if sub else None, PROVIDERS[(sub or m).provider],
                      (sub or m).name, m.name)
        if len(self.recent) < 64:
            self.recent.append(claim)
        else:
            self.recent[rng.randrange(64)] = claim
        return claim

    @staticmethod
    def _mistake(lines, rng):
        i = rng.randrange(len(lines))
        ln = lines[i]
        kind = rng.randrange(5)
        if kind == 0:  # wrong charge (GEN-05)
            ln = Line(ln.code, ln.modifiers, "450.00", ln.units, ln.basis, ln.dos, ln.g1)
        elif kind == 1:  # wrong units (ECM-02 / CS-01 / limits)
            ln = Line(ln.code, ln.modifiers, ln.charge, "2", ln.basis, ln.dos, ln.g1)
        elif kind == 2 and isinstance(ln.dos, str):  # a span (GEN-01 on PMPM lines)
            ln = Line(ln.code, ln.modifiers, ln.charge, ln.units, ln.basis,
                      (ln.dos[:6] + "01", ln.dos[:6] + "28"), ln.g1)
        elif kind == 3:  # no REF*G1 (GEN-06)
            ln = Line(ln.code, ln.modifiers, ln.charge, ln.units, ln.basis, ln.dos, ())
        else:  # a modifier the table does not know (ECM-07 / CS-12)
            ln = Line(ln.code, ("U2",) if ln.modifiers[:1] != ("U2",) else ("U1",), ln.charge,
                      ln.units, ln.basis, ln.dos, ln.g1)
        return lines[:i] + [ln] + lines[i + 1:]


# -- 837P files -------------------------------------------------------------------

def members_for(claims: int) -> int:
    """Several thousand members; more for big files (about a claim a month for two years)."""
    return max(3000, claims // (MONTHS + 6))


def bytes_per_claim(seed: int = 1) -> float:
    """Calibrate: the size of one transaction set of the stream, per claim."""
    sample = ClaimStream(members_for(CLAIMS_PER_ST * 20), seed)
    n = CLAIMS_PER_ST
    claims = [c for c, _ in zip(sample, range(n))]
    return sum(len(chunk) for chunk in iter_837_text(claims)) / n


RENDERING = ("NGUYEN", "PATEL", "GARCIA", "SMITH", "KIM", "LOPEZ")


def _realistic(segments: list[str], e: str, tx_no: int) -> list[str]:
    """Add what billing systems and clearinghouses put in every claim and line.

    x12build writes the segments the rules read; real claims also carry the clearinghouse
    trace number (2300 REF*D9), the rendering provider (2310B NM1*82 + PRV) and a line
    item control number per line (2400 REF*6R). Without them a benchmark file would hold
    about twice the claims per megabyte of a real one.
    """
    out: list[str] = []
    claim_no = line_no = 0
    pending = None  # the REF*6R of the current line, written after its REF*G1
    for seg in segments:
        tag = seg[:seg.find(e)] if e in seg else seg
        if pending is not None and tag in ("LX", "CLM", "HL", "SE"):
            out.append(pending)
            pending = None
        if tag == "CLM":
            claim_no += 1
            line_no = 0
        elif tag == "HI" and claim_no:
            ref = f"{tx_no:04d}{claim_no:05d}"
            out.append(f"REF{e}D9{e}CH{ref}")
            out.append(seg)
            last = RENDERING[claim_no % len(RENDERING)]
            out.append(f"NM1{e}82{e}1{e}{last}{e}CARE MANAGER{e}{e}{e}{e}XX{e}"
                       f"{PROVIDERS[claim_no % len(PROVIDERS)]}")
            out.append(f"PRV{e}PE{e}PXC{e}171M00000X")
            continue
        elif tag == "DTP" and seg.startswith(f"DTP{e}472{e}"):
            line_no += 1
            pending = f"REF{e}6R{e}{tx_no:04d}{claim_no:05d}{line_no:02d}"
        out.append(seg)
    if out[-1].startswith(f"SE{e}"):
        st02 = out[-1].split(e)[2]
        out[-1] = f"SE{e}{len(out)}{e}{st02}"
    return out


def iter_837_text(claims, control: int = 1, delims: Delims = Delims(), date: str = "20250701"):
    """Yield the text of one 837P interchange, one transaction set (5,000 claims) at a time."""
    d = delims
    e, t = d.element, d.terminator
    blank = " " * 10
    yield (f"ISA{e}00{e}{blank}{e}00{e}{blank}{e}ZZ{e}{'CLEARHOUSE':<15}{e}ZZ{e}{'MEDICAL':<15}"
           f"{e}{date[2:]}{e}1200{e}{d.repetition}{e}00501{e}{control:09d}{e}0{e}P{e}"
           f"{d.component}{t}")
    yield f"GS{e}HC{e}CLEARHOUSE{e}MEDICAL{e}{date}{e}1200{e}{control}{e}X{e}005010X222A1{t}"
    it = iter(claims)
    n = 0
    while batch := [c for c, _ in zip(it, range(CLAIMS_PER_ST))]:
        n += 1
        tx = transaction_837(batch, delims=d, st_control=f"{n:04d}", date=date,
                             bht03=f"{control}{n:04d}", sender="CLEARHOUSE")
        yield t.join(_realistic(tx.segments, e, n)) + t
    yield f"GE{e}{n}{e}{control}{t}"
    yield f"IEA{e}1{e}{control:09d}{t}"


def write_837(path: Path, claims, control: int = 1, delims: Delims = Delims()) -> int:
    """Stream the claims into one interchange, 5,000 claims per transaction set."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with open(tmp, "w", encoding="latin-1", newline="") as fh:
        for chunk in iter_837_text(claims, control, delims):
            n += fh.write(chunk)
    os.replace(tmp, path)
    return n


def claims_for_size(mb: float, bpc: float) -> int:
    return max(1, int(mb * 1_000_000 / bpc))


def gen_837(mb: float, out: Path, seed: int = 1, bpc: float | None = None) -> Path:
    bpc = bpc or bytes_per_claim(seed)
    n = claims_for_size(mb, bpc)
    path = out / f"837p_{_label(mb)}.x12"
    if path.exists() and _fresh(path, mb):
        return path
    for _ in range(3):  # the calibration is close; correct it on the real file
        stream = ClaimStream(members_for(n), seed)
        size = write_837(path, (c for c, _ in zip(stream, range(n))))
        if abs(size - mb * 1e6) <= 0.02 * mb * 1e6:
            break
        n = max(1, round(n * mb * 1e6 / size))
    return path


def gen_837_slice(claims: int, out: Path, seed: int = 1, members: int | None = None) -> Path:
    """The first ``claims`` claims of the same stream (pyx12 reads this slice)."""
    path = out / f"837p_slice_{claims}.x12"
    if not path.exists():
        stream = ClaimStream(members or members_for(claims), seed)
        write_837(path, (c for c, _ in zip(stream, range(claims))))
    return path


def gen_837_interchanges(mb: float, out: Path, seed: int = 1, per_isa: int = 20,
                         bpc: float | None = None) -> Path:
    """One file of many interchanges, each one transaction set of ``per_isa`` claims (a
    clearinghouse's day of small submissions, concatenated): ``-j`` can cut it only
    between interchanges."""
    n = claims_for_size(mb, bpc or bytes_per_claim(seed))
    path = out / f"837p_isas_{_label(mb)}.x12"
    if path.exists() and _fresh(path, mb):
        return path
    out.mkdir(parents=True, exist_ok=True)
    for _ in range(3):  # the envelopes add to each claim's bytes: correct on the real file
        size = _write_interchanges(path, iter(ClaimStream(members_for(n), seed)), n, per_isa)
        if abs(size - mb * 1e6) <= 0.02 * mb * 1e6:
            break
        n = max(1, round(n * mb * 1e6 / size))
    return path


def _write_interchanges(path: Path, stream, n: int, per_isa: int) -> int:
    tmp = path.with_suffix(".x12.tmp")
    size = 0
    with open(tmp, "w", encoding="latin-1", newline="") as fh:
        for control, first in enumerate(range(0, n, per_isa), 1):
            claims = [c for c, _ in zip(stream, range(min(per_isa, n - first)))]
            for chunk in iter_837_text(claims, control):
                size += fh.write(chunk)
    os.replace(tmp, path)
    return size


def gen_batch(out: Path, files: int = 24, mb_each: float = 1.5, seed: int = 3,
              bpc: float | None = None) -> Path:
    """A batch of many files: file k holds service month k of the same members.

    The members are the same in every file, so the batch-wide limits (lifetime, rolling
    windows, runs across months) count across files.
    """
    bpc = bpc or bytes_per_claim(seed)
    per_file = claims_for_size(mb_each, bpc)
    folder = out / f"batch_{files}x{_label(mb_each)}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    stream = ClaimStream(max(3000, int(per_file / 1.3)), seed)
    it = iter(stream)
    for k in range(files):
        write_837(folder / f"claims_{k + 1:03d}.x12", (c for c, _ in zip(it, range(per_file))),
                  control=k + 1)
    # the approved TARs the claims cite, so that GEN-07 checks every line
    years = sorted({_month(r)[0] for r in range(files)})
    write_278_responses(folder / "tar_responses.x12", stream.members, years)
    marker.write_text("ok\n")
    return folder


# -- 278 files ----------------------------------------------------------------------

def _tar_lines(m: Member, year: int, response: bool, program: str) -> list:
    """The TAR lines of a member's ECM ('E') or CS ('C') authorization for a year."""
    period = (f"{year}0101", f"{year}1231")
    if program == "E":  # from the enrollment month: outreach comes before it (ECM-05)
        enrolled = _month(m.enroll_round)
        if enrolled[0] == year:
            period = (_d8(year, enrolled[1], 1), f"{year}1231")
        code, mod = m.ecm_code
        lines = [TarLine(code, (mod,), units="12", period=period),
                 TarLine("G9012", (), units="1", period=period)]
        return lines
    units = "400"
    return [TarLine(code, (mod,), units=units, period=period) for code, mod, _ in m.cs]


def _certs(m: Member, year: int):
    yy = year % 100
    if m.ecm:
        yield "E", f"E{m.no:07d}{yy:02d}"
    if m.cs:
        yield "C", f"C{m.no:07d}{yy:02d}"


def write_278_responses(path: Path, members, years, per_isa: int = 1000) -> int:
    """Approved TARs (278 responses) for every member and year: the certifications that
    the claims of the same members cite in REF*G1. One 2000E per transaction set."""
    tmp = path.with_suffix(".tmp")
    n = control = 0
    with open(tmp, "w", encoding="latin-1", newline="") as fh:
        txs = []

        def flush():
            nonlocal control, n
            if txs:
                control += 1
                n += fh.write(interchange([txs], control=f"{control:09d}", date="20231220",
                                          sender="MEDICAL", receiver="CLEARHOUSE"))
                txs.clear()
        for year in years:
            for m in members:
                for program, cert in _certs(m, year):
                    lines = _tar_lines(m, year, True, program)
                    ev = Event(lines=lines, trace=f"T{cert}", cert=cert, hcr01="A1",
                               event_period=lines[0].period)
                    txs.append(transaction_278_response(
                        member=m.id, events=[ev], member_name=m.name,
                        st_control=f"{len(txs) + 1:04d}", date="20231220"))
                    if len(txs) == per_isa:
                        flush()
        flush()
    os.replace(tmp, path)
    return n


def write_278_requests(folder: Path, members, year: int) -> None:
    """TAR requests, one per file (how providers send them: CSTAR-09)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, m in enumerate(members):
        for program, cert in _certs(m, year):
            lines = _tar_lines(m, year, False, program)
            ev = Event(lines=lines, um02="I", trace=f"T{cert}",
                       pwk=("B4",) if program == "C" else (), event_period=lines[0].period)
            tx = transaction_278_request(member=m.id, events=[ev], member_name=m.name,
                                         st_control="0001", date=f"{year - 1}1215")
            text = interchange([[tx]], control=f"{i + 1:09d}", date=f"{year - 1}1215")
            (folder / f"tar_{cert}.x12").write_text(text, encoding="latin-1", newline="")


def gen_278(out: Path, members: int = 3000, seed: int = 1, year: int = 2025,
            requests: int = 1000) -> tuple[Path, Path]:
    """TAR responses for ``members`` members (one file) and ``requests`` TAR requests."""
    pool = ClaimStream(members, seed).members
    resp = out / f"278_responses_{members}.x12"
    if not resp.exists():
        write_278_responses(resp, pool, (year,))
    req_dir = out / f"278_requests_{requests}"
    if not (req_dir / ".complete").exists():
        write_278_requests(req_dir, pool[:requests], year)
        (req_dir / ".complete").write_text("ok\n")
    return req_dir, resp


# -- helpers --------------------------------------------------------------------------

def _label(mb: float) -> str:
    return f"{mb:g}MB".replace(".", "_")


def _fresh(path: Path, mb: float) -> bool:
    """An existing file of about the right size is reused."""
    return abs(path.stat().st_size - mb * 1_000_000) < 0.05 * mb * 1_000_000 + 50_000


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,10,100", help="837P sizes in MB (default 1,10,100)")
    ap.add_argument("--out", default=str(OUT), help="output folder (default bench/out)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-batch", action="store_true", help="skip the many-file batch")
    ap.add_argument("--no-278", action="store_true", help="skip the 278 files")
    ap.add_argument("--isas", type=float, default=20,
                    help="MB of the file of many one-set interchanges (default 20; 0: none)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bpc = bytes_per_claim(args.seed)
    for mb in (float(s) for s in args.sizes.split(",") if s.strip()):
        t = time.perf_counter()
        path = gen_837(mb, out, args.seed, bpc)
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB  {time.perf_counter() - t:.1f} s")
    if args.isas:
        t = time.perf_counter()
        path = gen_837_interchanges(args.isas, out, args.seed, bpc=bpc)
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB  {time.perf_counter() - t:.1f} s")
    if not args.no_batch:
        t = time.perf_counter()
        folder = gen_batch(out, bpc=bpc)
        size = sum(p.stat().st_size for p in folder.glob("*.x12"))
        print(f"{folder}/  {size / 1e6:.1f} MB  {time.perf_counter() - t:.1f} s")
    if not args.no_278:
        t = time.perf_counter()
        req, resp = gen_278(out, seed=args.seed)
        print(f"{req}/ and {resp}  {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
