// name: referral_paths
// description: The referral path from each mentee to each candidate: among the shortest paths, the smallest id sequence with the mentee's active mentors preferred for the first hop; and how each person on it knows the previous one.
// parameters: $pairs (list of {mentee_id, candidate_id}), $cutoff (ISO date: last_met on or after it, or none, counts as active)
// kind: read
UNWIND $pairs AS pair
MATCH (m:Person {id: pair.mentee_id})
MATCH (c:Person {id: pair.candidate_id})
WITH DISTINCT m, c
WITH m, c, [(mentor:Person)-[r:MENTORS]->(m)
            WHERE r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff) | mentor] AS mentors
CALL (m, c, mentors) {
  MATCH p = ALL SHORTEST (m)-[]-+(c)
  WITH nodes(p) AS ns
  RETURN ns
  ORDER BY CASE WHEN ns[1] IN mentors THEN 0 ELSE 1 END, [n IN ns[1..] | n.id_codepoints]
  LIMIT 1
}
CALL (ns) {
  UNWIND range(0, size(ns) - 2) AS i
  WITH i, ns[i] AS a, ns[i + 1] AS b
  CALL (a, b) {
    MATCH (a)-[r]-(b)
    RETURN min(CASE type(r)
                 WHEN 'MENTORS' THEN
                   CASE WHEN r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)
                        THEN CASE WHEN startNode(r) = b THEN 0 ELSE 1 END
                        ELSE CASE WHEN startNode(r) = b THEN 5 ELSE 6 END END
                 WHEN 'COAUTHOR' THEN 2
                 WHEN 'COLLEAGUE' THEN 3
                 ELSE 4 END) AS code
  }
  WITH i, code ORDER BY i
  RETURN collect(['mentor', 'mentee', 'coauthor', 'colleague', 'knows', 'former mentor', 'former mentee'][code])
         AS ties
}
RETURN m.id AS mentee_id, c.id AS candidate_id, [n IN ns | n.id] AS path, ties
