// name: people_rows
// description: Every person with the columns of people.csv as mentornet reads them (identity values in $attrs order), in plain string order of id: what viz draws.
// parameters: $attrs (identity attribute names), $only (a list of person ids: only those people; null for everyone), $department_key (a department folded as mentornet.model.fold folds it: only its members; null for everyone)
// columns: id, name, department, institution, career_stage, role, mentee, research_interests, career_interests, leadership, seeks_concordance, capacity, accepting, identity
// kind: read
MATCH (p:Person)
WHERE ($only IS NULL OR p.id IN $only) AND ($department_key IS NULL OR p.departmentKey = $department_key)
RETURN p.id AS id, coalesce(p.name, '') AS name, coalesce(p.department, '') AS department,
       coalesce(p.institution, '') AS institution, coalesce(p.career_stage, '') AS career_stage,
       coalesce(p.role, '') AS role, p.mentee AS mentee,
       coalesce(p.research_interests, []) AS research_interests,
       coalesce(p.career_interests, []) AS career_interests, coalesce(p.leadership, []) AS leadership,
       coalesce(p.seeks_concordance, []) AS seeks_concordance, p.capacity AS capacity,
       p.accepting AS accepting, [a IN $attrs | coalesce(p['identity.' + a], '')] AS identity
ORDER BY p.id_codepoints
