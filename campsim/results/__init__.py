"""campsim.results"""
