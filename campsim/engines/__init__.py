"""campsim.engines"""
