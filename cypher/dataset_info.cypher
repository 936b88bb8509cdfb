// name: dataset_info
// description: What was loaded: identity attribute names, the dataset directory, the load's state ('loading' while a load runs or after one was cut short, 'complete' after it finished), and the number of people and relationships.
// parameters: none
// kind: read
OPTIONAL MATCH (d:MentornetDataset {key: 'dataset'})
RETURN coalesce(d.identity_attributes, []) AS identity_attributes, d.source AS source, d.state AS state,
       COUNT { MATCH (:Person) } AS people,
       COUNT { MATCH (:Person)-[]->(:Person) } AS relationships
