"""Identity needs that come only from the policy are not shown to people (issue 14).

A policy's ``[concordance]`` table makes ``identity:<attr>`` a need of every mentee whose
disclosed value it lists, whether or not they asked. To anyone who knows the policy, such a
row states the mentee's identity. People-facing outputs (``gaps``, ``refer``, ``match`` rows
and ``viz``) therefore leave them out unless ``--show-identity`` is given, and say how many
they left out. Needs the mentee asked for (``seeks_concordance``) stay visible; the audit
still counts every need (protected by :mod:`mentornet.disclosure`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .model import Policy

PREFIX = "identity:"
WHY = ("identity needs that come only from the policy's [concordance] table (the mentee did not ask; "
       "the row would tell their identity); pass --show-identity to include them")


def policy_only_mask(rows: pd.DataFrame, asked: dict[str, frozenset[str]]) -> np.ndarray:
    """For each row (``mentee_id``, ``area``): an identity need the mentee did not ask for."""
    out = np.zeros(len(rows), dtype=bool)
    for i, (mentee, area) in enumerate(zip(rows["mentee_id"], rows["area"])):
        if str(area).startswith(PREFIX):
            out[i] = area[len(PREFIX):] not in asked.get(mentee, frozenset())
    return out


def hide_policy_only(backend, frames: list[pd.DataFrame], *, policy: Policy) -> tuple[list[pd.DataFrame], int]:
    """``frames`` without their policy-only identity rows, and how many rows were left out.

    ``backend.asked_concordance(ids)`` says which attributes each mentee asked concordance on.
    """
    if not policy.concordance or all(f.empty for f in frames):
        return frames, 0
    identity = {m for f in frames for m, a in zip(f["mentee_id"], f["area"]) if str(a).startswith(PREFIX)}
    if not identity:
        return frames, 0
    asked = backend.asked_concordance(sorted(identity))
    out, left_out = [], 0
    for f in frames:
        mask = policy_only_mask(f, asked)
        left_out += int(mask.sum())
        out.append(f[~mask].reset_index(drop=True))
    return out, left_out


def left_out_message(n: int) -> str:
    return f"{n} row(s) left out: {WHY}"
