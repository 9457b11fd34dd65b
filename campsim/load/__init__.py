"""campsim.load"""
