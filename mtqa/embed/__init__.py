"""Embedding: the Embedder protocol, the packaged model on torch or as an int8 ONNX export, and the vector cache."""
