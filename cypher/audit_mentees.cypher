// name: audit_mentees
// description: Per mentee, what the audit counts: department, role, lower-case identity values, distinct active mentors, needs, gaps, and the attributes on which an active mentor shares the mentee's value.
// parameters: $cutoff (ISO date: last_met on or after it, or none, counts as active), $concordance (map: identity attribute -> lower-case values that make concordance a need), $attrs (identity attribute names), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// columns: id, department, role, identity, active_mentors, needs, gaps, concordant
// kind: read
MATCH (m:Person)
WHERE m.mentee = true
WITH m, [(mentor:Person)-[r:MENTORS]->(m)
         WHERE {{ active_mentorship }}
         | {mentor: mentor, focus: coalesce(r.focus, [])}] AS active
WITH m, active,
     reduce(seen = [], x IN active | CASE WHEN x.mentor IN seen THEN seen ELSE seen + x.mentor END) AS mentors
WITH m, active, mentors,
     [attr IN $attrs
      WHERE coalesce(toLower(m['identity.' + attr]), '') <> ''
        AND any(x IN mentors WHERE coalesce(toLower(x['identity.' + attr]), '') = toLower(m['identity.' + attr]))
     ] AS concordant,
     ['research', 'career'] +
     [attr IN $attrs
      WHERE coalesce(toLower(m['identity.' + attr]), '') <> ''
        AND (attr IN coalesce(m.seeks_concordance, [])
             OR toLower(m['identity.' + attr]) IN coalesce($concordance[attr], []))
      | 'identity:' + attr] AS needs
RETURN m.id AS id, coalesce(m.department, '') AS department, m.role AS role,
       [attr IN $attrs | coalesce(toLower(m['identity.' + attr]), '')] AS identity,
       size(mentors) AS active_mentors, needs,
       [area IN needs
        WHERE CASE WHEN area STARTS WITH 'identity:' THEN NOT substring(area, 9) IN concordant
                   ELSE NOT any(x IN active WHERE area IN x.focus) END] AS gaps,
       concordant
ORDER BY id
