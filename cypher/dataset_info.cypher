// name: dataset_info
// description: What was loaded: identity attribute names, the dataset directory, and the number of people and relationships.
// parameters: none
// kind: read
OPTIONAL MATCH (d:MentornetDataset {key: 'dataset'})
RETURN coalesce(d.identity_attributes, []) AS identity_attributes, d.source AS source,
       COUNT { MATCH (:Person) } AS people,
       COUNT { MATCH (:Person)-[]->(:Person) } AS relationships
