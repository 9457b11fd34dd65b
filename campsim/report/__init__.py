"""campsim.report"""
