// name: fragment_active_mentorship
// description: The active-mentorship rule (DESIGN.md section 3) for a MENTORS relationship bound to r: started (no since, or since on or before $as_of), status active and, when last_met is given, met on or after $cutoff. Statements include it as {{ active_mentorship }}; `mentornet query NAME --show` prints a statement with it in place.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $as_of (ISO date: a row whose since is after it has not started)
// kind: fragment
(r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff) AND (r.since IS NULL OR r.since <= $as_of))
