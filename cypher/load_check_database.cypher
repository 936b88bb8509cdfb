// name: load_check_database
// description: Before a load writes anything: what the database holds. The people an earlier load wrote (:Mentornet), :Person nodes mentornet did not write (another application's, or an earlier mentornet version's), the relationships between mentornet's people, and the directory, state and storage format the dataset record names, and whether the load that set the state was a replace.
// parameters: none
// kind: write
// (kind write: part of load, not an analyst query.)
OPTIONAL MATCH (d:MentornetDataset {key: 'dataset'})
RETURN d.source AS source, d.state AS state, d.format AS format, coalesce(d.replacing, false) AS replacing,
       COUNT { MATCH (p:Mentornet) } AS ours,
       COUNT { MATCH (p:Person) WHERE NOT p:Mentornet } AS foreign,
       COUNT { MATCH (:Mentornet)-[]->(:Mentornet) } AS relationships
