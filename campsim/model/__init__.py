"""campsim.model"""
