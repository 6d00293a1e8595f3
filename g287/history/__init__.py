"""History: agency identity across renames, agreement lifecycles, changes between publications, timelines and the pending pipeline."""
