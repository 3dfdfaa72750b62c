"""leadbase's admin API and the operations behind it and behind `leadbase org`: organizations
created, reset, snapshotted, restored, forked and deleted; the virtual clock; the journal."""
