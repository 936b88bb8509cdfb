// name: gaps
// description: Every mentee need (research, career, identity:<attr>) without an active mentor covering it; the rows of `mentornet gaps`.
// parameters: $cutoff (ISO date: a MENTORS row with last_met on or after it, or without last_met, counts as active), $concordance (map: identity attribute -> list of folded values that make concordance a need), $attrs (list of identity attribute names), $without (ids of people left out, with every relationship naming them: the departure stress test; [] for everyone), $as_of (ISO date: a MENTORS row whose since is after it has not started), $mentees (a list of person ids: only their gaps; null for everyone)
// columns: mentee_id, area, name, role, department, active_mentors
// kind: read
MATCH (m:Person)
WHERE m.mentee = true AND NOT m.id IN $without AND ($mentees IS NULL OR m.id IN $mentees)
WITH m, [(mentor:Person)-[r:MENTORS]->(m)
         WHERE {{ active_mentorship }} AND NOT mentor.id IN $without
         | {mentor: mentor, focus: coalesce(r.focus, [])}] AS active
WITH m, active,
     reduce(seen = [], x IN active | CASE WHEN x.mentor IN seen THEN seen ELSE seen + x.mentor END) AS mentors
WITH m, mentors,
     [area IN ['research', 'career'] WHERE NOT any(x IN active WHERE area IN x.focus)] +
     [attr IN $attrs
      WHERE coalesce(m['identityKey.' + attr], '') <> ''
        AND (attr IN coalesce(m.seeks_concordance, [])
             OR m['identityKey.' + attr] IN coalesce($concordance[attr], []))
        AND NOT any(x IN mentors WHERE coalesce(x['identityKey.' + attr], '') = m['identityKey.' + attr])
      | 'identity:' + attr] AS gaps
UNWIND gaps AS area
RETURN m.id AS mentee_id, area, m.name AS name, m.role AS role, m.department AS department,
       size(mentors) AS active_mentors
ORDER BY mentee_id, area
