"""campsim.plan"""
