"""Building blocks shared by tools: checkpoint-loading base, diffusers plumbing, audio/video
files, images, sub-tool calls.
"""

