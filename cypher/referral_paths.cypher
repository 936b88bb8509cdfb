// name: referral_paths
// description: The referral path from each mentee to each candidate: among the shortest paths, the smallest id sequence with the mentee's active mentors preferred for the first hop; and how each person on it knows the previous one.
// parameters: $pairs (list of {mentee_id, candidate_id, hops}; hops, the length of the shortest paths, is found when missing), $cutoff (ISO date: last_met on or after it, or none, counts as active), $without (ids of people left out, with every relationship naming them: the departure stress test; [] for everyone), $as_of (ISO date: a MENTORS row whose since is after it has not started)
// columns: mentee_id, candidate_id, path, ties
// kind: read
UNWIND $pairs AS pair
MATCH (m:Person {id: pair.mentee_id})
MATCH (c:Person {id: pair.candidate_id})
CALL (m, c, pair) {
  OPTIONAL MATCH p = ANY SHORTEST (m)-[]-+(c)
  WHERE pair.hops IS NULL
  RETURN coalesce(pair.hops, length(p)) AS hops
}
WITH m, collect(DISTINCT {c: c, hops: hops}) AS targets
WITH m, targets, [(mentor:Person)-[r:MENTORS]->(m)
                  WHERE {{ active_mentorship }} AND NOT mentor.id IN $without | mentor] AS mentors
// layers[i]: the people at distance i from m, for i < the longest path asked for
WITH m, targets, mentors,
     reduce(layers = [[m]], i IN range(1, reduce(h = 0, t IN targets | CASE WHEN t.hops > h THEN t.hops ELSE h END) - 1) |
       layers + [COLLECT { UNWIND layers[i - 1] AS x
                           MATCH (x)--(y:Person)
                           WHERE NOT y IN layers[i - 1] AND (i = 1 OR NOT y IN layers[i - 2])
                             AND NOT y.id IN $without
                           RETURN DISTINCT y }]) AS layers
UNWIND targets AS target
WITH m, mentors, layers, target.c AS c, target.hops AS hops
// on[i]: the people at distance i from m on some shortest path to c (walking back from c)
WITH m, mentors, c, hops,
     reduce(on = [[c]], i IN range(hops - 1, 1, -1) |
       [COLLECT { UNWIND on[0] AS z
                  MATCH (z)--(y:Person)
                  WHERE y IN layers[i]
                  RETURN DISTINCT y }] + on) AS on
// the smallest id sequence, one step at a time (first step: active mentors first)
WITH m, c, hops,
     reduce(ns = [m], i IN range(1, hops - 1) |
       ns + COLLECT { WITH ns[i - 1] AS prev
                      UNWIND on[i - 1] AS y
                      MATCH (prev)--(y)
                      WITH DISTINCT y
                      RETURN y
                      ORDER BY CASE WHEN i = 1 AND y IN mentors THEN 0 ELSE 1 END, y.id_codepoints
                      LIMIT 1 }) + [c] AS ns
CALL (ns) {
  UNWIND range(0, size(ns) - 2) AS i
  WITH i, ns[i] AS a, ns[i + 1] AS b
  CALL (a, b) {
    MATCH (a)-[r]-(b)
    RETURN min(CASE type(r)
                 WHEN 'MENTORS' THEN
                   CASE WHEN {{ active_mentorship }}
                        THEN CASE WHEN startNode(r) = b THEN 0 ELSE 1 END
                        // not started yet (since after $as_of): an acquaintance, not a former mentor
                        WHEN coalesce(r.since, '') > $as_of THEN 4
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
