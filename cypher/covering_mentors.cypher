// name: covering_mentors
// description: Each active mentor covering each mentee need (research, career, identity:<attr>); a need with one row is covered by that mentor alone (sole coverage, DESIGN.md section 3).
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $concordance (map: identity attribute -> lower-case values that make concordance a need), $attrs (identity attribute names), $without (ids of people left out, with every relationship naming them: the departure stress test; [] for everyone), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// columns: mentee_id, area, mentor_id
// kind: read
MATCH (mentor:Person)-[r:MENTORS]->(m:Person)
WHERE m.mentee = true AND {{ active_mentorship }}
  AND NOT m.id IN $without AND NOT mentor.id IN $without
WITH m, mentor, collect(coalesce(r.focus, [])) AS foci
WITH m, mentor, reduce(all = [], f IN foci | all + f) AS focus
UNWIND [area IN ['research', 'career'] WHERE area IN focus] +
       [attr IN $attrs
        WHERE coalesce(toLower(m['identity.' + attr]), '') <> ''
          AND (attr IN coalesce(m.seeks_concordance, [])
               OR toLower(m['identity.' + attr]) IN coalesce($concordance[attr], []))
          AND coalesce(toLower(mentor['identity.' + attr]), '') = toLower(m['identity.' + attr])
        | 'identity:' + attr] AS area
RETURN m.id AS mentee_id, area, mentor.id AS mentor_id
ORDER BY mentee_id, area, mentor_id
