"""Packed facts give back exactly what was packed (``edi_lint.model.facts``).

Lines are packed as deltas from their claim's CLM when the fields fit (two layouts:
all on one physical line, or one segment a line), else in a wide int, else they keep
their ``Pos`` objects; every form must unpack to the same positions, order and number.
"""
import pickle
import random
from datetime import date

from edi_lint.model import facts
from edi_lint.model.common import Pos


class _Line:
    def __init__(self, claim, pos, dtp_pos, number):
        self.claim, self.pos, self.where, self.dtp_pos = claim, pos, pos, dtp_pos
        self.number = number
        self.code, self.modifiers, self.modifier_set = "G9008", ("U1",), frozenset({"U1"})
        self.label = "G9008-U1"
        self.unit_basis, self.units, self.charge_cents = "UN", 1.0, 100
        self.authorizations = ["T1"]
        self.dos_from = self.dos_to = date(2025, 1, 31)


class _Claim:
    def __init__(self, clm01, pos):
        self.clm01, self.pos, self.member = clm01, pos, "M1"
        self.billing_npi, self.frequency = "1234567893", "1"


def _cases(rng):
    for _ in range(400):
        one_a_line = rng.random() < 0.5
        i0, o0 = rng.randrange(1, 10**7), rng.randrange(0, 10**9)
        l0, c0 = (i0, 1) if one_a_line else (rng.choice([1, 7]), rng.randrange(1, 10**6))
        big = rng.random() < 0.2  # fields beyond the compact widths
        di1 = rng.randrange(0, 2000 if big else 300)
        do1 = rng.randrange(0, 200000 if big else 40000)
        n1, di2 = rng.randrange(20, 300 if big else 120), rng.randrange(0, 12 if big else 4)
        gap, n2 = rng.randrange(0, 60 if big else 3), rng.randrange(0, 90 if big else 30)
        i1, o1, i2 = i0 + di1, o0 + do1, i0 + di1 + di2
        o2 = o1 + n1 + gap
        if one_a_line:
            l1, c1, l2, c2 = l0 + di1, 1, l0 + di1 + di2, 1
        else:
            l1 = l2 = l0
            c1, c2 = c0 + do1, c0 + do1 + n1 + gap
        if rng.random() < 0.1:  # wrapped lines: no layout fits
            c1 += 3
        clm = Pos(i0, l0, c0, o0, "CLM", "2300", "")
        sv1 = Pos(i1, l1, c1, o1, "SV1", "2400", "")
        dtp = Pos(i2, l2, c2, o2, "DTP", "2400", "")
        number = rng.choice([1, 2, 50, 63, 64, 900, 70000])
        yield clm, sv1, dtp, number, n1, n2


def test_packed_lines_unpack_to_what_was_packed(monkeypatch):
    monkeypatch.setattr(facts, "segment_text", lambda path, offset, n: "x" * n)
    rng = random.Random(7)
    forms = set()
    for clm, sv1, dtp, number, n1, n2 in _cases(rng):
        sv1, dtp = sv1._replace(text="x" * n1), dtp._replace(text="x" * n2)
        maker = facts.FactMaker()
        claim = _Claim(rng.choice(["C1", "00222570", "É-ß 123456789012"]), clm)
        claim_fact = maker.claim(claim, "f.x12", 3)
        fact = maker.line(_Line(claim, sv1, dtp, number), "g", claim_fact)
        forms.add("tuple" if type(fact.where) is not int else
                  "wide" if fact.where & 1 else "compact")
        for f in (fact, pickle.loads(pickle.dumps(fact))):
            assert f.loc.sv1 == sv1 and f.loc.dtp == dtp
            assert f.order == (3, sv1.index) and f.service_line == number
            assert f.claim_id == claim.clm01 and f.claim.order == (3, clm.index)
            assert facts.counting_key(f) == (
                (date(2025, 1, 31).toordinal() << 80) + (3 << 40) + sv1.index)
    assert forms == {"compact", "wide", "tuple"}


def test_status_is_the_claims_and_service_line_can_be_set(monkeypatch):
    monkeypatch.setattr(facts, "segment_text", lambda path, offset, n: "x" * n)
    maker = facts.FactMaker()
    clm = Pos(10, 10, 1, 500, "CLM", "2300", "")
    claim = _Claim("C1", clm)
    claim_fact = maker.claim(claim, "f.x12", 0)
    lines = [maker.line(_Line(claim, Pos(10 + 2 * n, 10 + 2 * n, 1, 500 + 40 * n, "SV1", "2400",
                                         "x" * 30), None, n), "g", claim_fact)
             for n in (1, 2)]
    assert [f.status for f in lines] == ["active", "active"]
    lines[0].status = "void"
    assert [f.status for f in lines] == ["void", "void"] and claim_fact.status == "void"
    lines[1].service_line = 7
    assert lines[1].service_line == 7 and lines[1].loc.sv1.index == 14
