"""What tools run on: the artifact store, media probing, the model cache, devices, checkpoint
slots and packaged weights.
"""

