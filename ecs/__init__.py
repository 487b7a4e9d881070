"""The project as deployed: what joins the portal (the domain) and the back-office processes (workflows)."""
