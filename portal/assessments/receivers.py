"""What the assessments domain does when other parts of the portal announce a fact."""
