"""Disaster mutual aid (issue 7). Supporter assignment (`matching.py`) needs no tables; shelters,
the evacuation-help list, individual plans, disaster mode and safety confirmation add them."""
