// name: load_people
// description: Writes one batch of people into a database that may hold them already; each person's properties are replaced by the loaded ones, so re-running converges. Returns the element ids the relationship statements find people by.
// parameters: $id, $name, $department, $institution, $career_stage, $role, $mentee, $research_interests, $career_interests, $seeks_concordance, $leadership, $accepting, $capacity, $id_codepoints, $research_lower, $career_lower, $departmentKey, $extra: one list each, item i describing person i (null where nothing is stored; departmentKey: the department folded by mentornet.model.fold; extra: a map per person of the identity columns, their folded keys identityKey.<attr>, and any unknown columns, or an empty list)
// kind: write
UNWIND range(0, size($id) - 1) AS i
MERGE (p:Person {id: $id[i]})
SET p:Mentornet
SET p = {id: $id[i], name: $name[i], department: $department[i], institution: $institution[i],
         career_stage: $career_stage[i], role: $role[i], mentee: $mentee[i],
         research_interests: $research_interests[i], career_interests: $career_interests[i],
         seeks_concordance: $seeks_concordance[i], leadership: $leadership[i],
         accepting: $accepting[i], capacity: $capacity[i], id_codepoints: $id_codepoints[i],
         research_lower: $research_lower[i], career_lower: $career_lower[i],
         departmentKey: $departmentKey[i]}
SET p += coalesce($extra[i], {})
RETURN collect(p.id) AS ids, collect(elementId(p)) AS nodes
