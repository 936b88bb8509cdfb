// name: dataset_info
// description: What was loaded: identity attribute names, the dataset directory, the load's state ('loading' while a load runs or after one was cut short, 'imported' after a bulk import that finish-import has not completed, 'complete' after it finished), whether that load is a replace (`replacing`: true while a load with --replace runs or after one was cut short; mentornet's analyses and named queries refuse the database in that state, and their message says to run the load again with --replace), the storage format it wrote (absent: an earlier version), and the number of people and relationships.
// parameters: none
// kind: read
OPTIONAL MATCH (d:MentornetDataset {key: 'dataset'})
RETURN coalesce(d.identity_attributes, []) AS identity_attributes, d.source AS source, d.state AS state,
       d.format AS format, coalesce(d.replacing, false) AS replacing,
       COUNT { MATCH (:Person) } AS people,
       COUNT { MATCH (:Person)-[]->(:Person) } AS relationships
