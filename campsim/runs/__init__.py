"""campsim.runs"""
