"""Envelope and loop findings emitted while reading (no tip ids).

The checks themselves run in the reader (``x12/reader.py``), the envelope
tracker (``x12/envelope.py``) and the builders (``model/build*.py``), where the
segments stream past; this module registers their codes and documentation.
"""
from __future__ import annotations

from .base import table_rule
from .registry import register

_TABLE = [
    ("X001", "no-x12-data", "error", "The file holds no X12 interchange.",
     "The file is empty, or no ISA segment was found in it. The message says what to fix when"
     " the file's start shows it: UTF-16 text (a byte order mark or NUL bytes), an ISA with"
     " blanks before its element separator or in lower case, or transaction sets (ST..SE)"
     " without their ISA/GS envelope (not read: their delimiters are not known by position).",
     "A file sent to the payer that holds no interchange is rejected whole.",
     "(an empty file)", "ISA*00*          *00*...~"),
    ("X002", "text-before-isa", "warning", "Text stands before the ISA segment.",
     "Reports characters before the first ISA (a narrative, a mail header); they are skipped.",
     "Translators reject an interchange that does not begin with ISA.",
     "Claim batch for June\\nISA*00*...", "ISA*00*..."),
    ("X003", "isa-not-fixed-width", "error", "The ISA is not 106 characters of fixed width.",
     "The ISA's padding was collapsed or altered (105 or 107 characters, or 106 with a field too"
     " long and another too short): the message names the fields whose width is wrong. The"
     " delimiters are read by splitting instead, and the file is read on.",
     "Every field of the ISA is fixed width; receivers read the delimiters by position and"
     " reject the interchange (TA1).",
     "ISA*00* *00* *ZZ*SENDER *ZZ*RECEIVER *...", "ISA*00*          *00*          *ZZ*SENDER         *..."),
    ("X004", "isa-unreadable", "error", "The ISA cannot be read; the file is not read further.",
     "The ISA is truncated, has fewer than 16 elements, or its delimiters clash.",
     "Without the ISA's delimiters no segment of the interchange can be read.",
     "ISA*00*~", "ISA*00*          *00*          *ZZ*...*^*00501*000000001*0*T*:~"),
    ("X005", "unreadable-file", "error", "A file found in a directory cannot be read.",
     "Reports a file (or directory) of a walked directory that cannot be read: a symbolic link"
     " to a file that does not exist, no permission; the rest of the batch is checked.",
     "A claim file that is never read is never checked, and the batch's limits miss its lines.",
     "claims/june.x12 -> /mnt/old/june.x12 (gone)", "claims/june.x12 (a readable file)"),
    ("X010", "empty-segment", "error", "An empty segment: two terminators in a row.",
     "Reports a segment with no content, at its real position.",
     "Validators such as pyx12 silently stop reading at an empty segment; payers reject it.",
     "NM1*85*2*CLINIC~~N3*1 MAIN ST~", "NM1*85*2*CLINIC~N3*1 MAIN ST~"),
    ("X011", "segment-outside-envelope", "error", "A segment stands outside its envelope.",
     "A segment appears outside an ISA, a GS, or an ST..SE transaction set.",
     "Segments outside an envelope are lost or reject the interchange.",
     "IEA*1*000000001~NM1*85*2*CLINIC~", "ST*837*0001~NM1*85*2*CLINIC~...SE*...~"),
    ("X020", "iea-control-number", "error", "IEA02 does not match ISA13.",
     "The interchange trailer's control number differs from the header's.",
     "A mismatched control number rejects the whole interchange (TA1).",
     "ISA*...*000000001*...~ ... IEA*1*000000002~", "ISA*...*000000001*...~ ... IEA*1*000000001~"),
    ("X021", "iea-group-count", "error", "IEA01 is not the number of functional groups.",
     "Counts the GS groups of the interchange and compares IEA01.",
     "A wrong count rejects the interchange.", "GS...GE GS...GE IEA*1*...~", "GS...GE GS...GE IEA*2*...~"),
    ("X022", "ge-control-number", "error", "GE02 does not match GS06.",
     "The group trailer's control number differs from the header's.",
     "A mismatched group control number rejects the group (999).", "GS*...*17*X*...~ GE*1*18~",
     "GS*...*17*X*...~ GE*1*17~"),
    ("X023", "ge-transaction-count", "error", "GE01 is not the number of transaction sets.",
     "Counts the ST sets of the group and compares GE01.",
     "A wrong count rejects the group.", "ST..SE ST..SE GE*1*17~", "ST..SE ST..SE GE*2*17~"),
    ("X024", "se-control-number", "error", "SE02 does not match ST02.",
     "The transaction trailer's control number differs from the header's.",
     "A mismatched control number rejects the transaction set.", "ST*837*0001~ ... SE*30*0002~",
     "ST*837*0001~ ... SE*30*0001~"),
    ("X025", "se-segment-count", "error", "SE01 is not the number of segments from ST to SE.",
     "Counts the segments of the transaction set, ST and SE included, and compares SE01.",
     "A wrong count rejects the transaction set.", "ST*837*0001~BHT*...~SE*5*0001~ (3 segments)",
     "ST*837*0001~BHT*...~SE*3*0001~"),
    ("X026", "duplicate-isa13", "error", "Two interchanges of one file share an ISA13.",
     "Reports an ISA whose interchange control number (ISA13) an earlier ISA of the same file"
     " used, naming the first. Each file is checked on its own.",
     "Receivers reject a repeated interchange control number as a duplicate submission (TA1"
     " 025): the second interchange is not processed.",
     "ISA*...*000000001*0*P*:~ ... IEA*1*000000001~ISA*...*000000001*0*P*:~",
     "ISA*...*000000001*0*P*:~ ... IEA*1*000000001~ISA*...*000000002*0*P*:~"),
    ("X027", "duplicate-gs06", "error", "Two functional groups of one interchange share a GS06.",
     "Reports a GS whose group control number (GS06) an earlier GS of the same interchange used,"
     " naming the first.",
     "The 999 rejects the group (AK905 19): its transaction sets are not processed.",
     "GS*HC*...*17*X*005010X222A1~ ... GE*1*17~GS*HC*...*17*X*005010X222A1~",
     "GS*HC*...*17*X*005010X222A1~ ... GE*1*17~GS*HC*...*18*X*005010X222A1~"),
    ("X028", "duplicate-st02", "error", "Two transaction sets of one group share an ST02.",
     "Reports an ST whose transaction set control number (ST02) an earlier ST of the same"
     " functional group used, naming the first.",
     "The 999 rejects the transaction set (IK502 23); its claims or TARs are not processed.",
     "ST*837*0001*005010X222A1~ ... SE*30*0001~ST*837*0001*005010X222A1~",
     "ST*837*0001*005010X222A1~ ... SE*30*0001~ST*837*0002*005010X222A1~"),
    ("X029", "gs06-format", "error", "GS06 is not a number of 1 to 9 digits.",
     "The group control number GS06 is an unsigned integer (N0) of 1 to 9 digits.",
     "A group control number that violates its syntax rejects the group (AK905 6).",
     "GS*HC*SENDER*RECEIVER*20250701*1200*1234567890*X*005010X222A1~",
     "GS*HC*SENDER*RECEIVER*20250701*1200*123456789*X*005010X222A1~"),
    ("X030", "missing-trailer", "error", "SE, GE or IEA is missing: the file was truncated.",
     "An ST, GS or ISA is still open at the next envelope segment or at the end of the file.",
     "A truncated interchange is rejected; claims after the cut are lost.",
     "ST*837*0001~...CLM*C1*100~ (end of file)", "ST*837*0001~...SE*30*0001~GE*1*1~IEA*1*000000001~"),
    ("X040", "unsupported-transaction", "warning", "A transaction set that is not an 837P or 278 5010.",
     "837I (X223), predeterminations (X291), 4010 files, 835s and others are reported once and skipped.",
     "A file that is not checked must not pass silently as clean.",
     "ST*837*0001*005010X223A2~", "ST*837*0001*005010X222A1~"),
    ("X041", "837p-version-variant", "warning", "An 837P of version 005010X222 or X222A2, read as X222A1.",
     "The HIPAA-adopted 837P guide is 005010X222A1; the base and A2 versions are read with a warning.",
     "Payers expect the adopted version identifier in GS08 and ST03.",
     "GS*HC*...*005010X222A2~", "GS*HC*...*005010X222A1~"),
    ("X042", "version-mismatch", "warning", "ST03 differs from GS08.",
     "The transaction's implementation reference differs from its group's; ST03 is used.",
     "Translators route and validate by GS08; a mismatch is a sign of a hand-edited file.",
     "GS*...*005010X222A1~ST*837*0001*005010X222~", "GS*...*005010X222A1~ST*837*0001*005010X222A1~"),
    ("S001", "hl-numbering", "error", "HL01 ids do not run 1, 2, 3... in order.",
     "Each HL01 in a transaction set must be the previous one plus one, starting at 1.",
     "Payers' translators reject transaction sets with broken HL numbering.",
     "HL*1**20*1~HL*3*1*22*0~", "HL*1**20*1~HL*2*1*22*0~"),
    ("S002", "hl-parent-missing", "error", "HL02 names a parent that is not an earlier HL.",
     "The parent id must be the HL01 of an earlier HL of the same transaction set.",
     "A dangling parent breaks the hierarchy: the claim's provider or member is unknown.",
     "HL*1**20*1~HL*2*5*22*0~", "HL*1**20*1~HL*2*1*22*0~"),
    ("S003", "hl-level-parent", "error", "An HL level sits under the wrong parent level.",
     "837P: 22 under 20, 23 under 22. 278: 21 under 20, 22 under 21, 23 under 22, EV under 22/23, SS under EV.",
     "A subscriber under a subscriber, or a service level without its patient event, is rejected.",
     "HL*1**20*1~HL*2*1*23*0~", "HL*1**20*1~HL*2*1*22*1~HL*3*2*23*0~"),
    ("S004", "hl-child-code", "error", "HL04 says the opposite of the HL tree.",
     "HL04 (hierarchical child code) must be 1 when a later HL names this HL as its parent"
     " (HL02) and 0 when none does, in 837P and 278 alike. The finding stands at the HL whose"
     " HL04 is wrong. A truncated transaction set is not judged, nor, once an HL02 names an"
     " unknown or wrong-level parent (S002, S003), an HL04 1 without a child. A 278 2000F"
     " keeps HL04 0 over a nested 2000F, as the X217 TR3's own transport example does.",
     "Receivers read the hierarchy by HL04 and reject a contradiction (999 IK403 7): a"
     " subscriber marked 0 above a patient loop loses its patient's claims.",
     "HL*2*1*22*0~...HL*3*2*23*0~", "HL*2*1*22*1~...HL*3*2*23*0~"),
    ("S010", "lx-sequence", "error", "LX01 does not run 1, 2, 3... within a claim.",
     "Service lines restart at 1 for every claim and increase by one.",
     "Payers reject claims with broken line numbering; line-level remits cannot be matched.",
     "CLM*C1*...~LX*1~...LX*3~", "CLM*C1*...~LX*1~...LX*2~"),
    ("S011", "line-outside-claim", "error", "A service line (LX or SV1) appears before any CLM.",
     "LX and SV1 belong to a 2300 claim loop.", "A line without a claim cannot be paid.",
     "HL*2*1*22*0~LX*1~SV1*...~", "HL*2*1*22*0~CLM*C1*...~LX*1~SV1*...~"),
    ("S012", "sv1-without-lx", "error", "An SV1 without its own LX.",
     "Every 2400 service line begins with LX.", "Lines without LX are rejected by the guide.",
     "LX*1~SV1*...~SV1*...~", "LX*1~SV1*...~LX*2~SV1*...~"),
    ("S020", "bht-purpose", "error", "A 278 whose BHT02 is neither 13 (request) nor 11 (response).",
     "The transaction's purpose decides whether it is a TAR or a decision; others are not checked."
     " A second BHT in a transaction set is reported too: the first one's purpose stands.",
     "A TAR sent with the wrong purpose code is not reviewed.", "BHT*0007*01*...~", "BHT*0007*13*...~"),
]


for _row in _TABLE:
    register(table_rule(_row, __name__, "Structure"))
