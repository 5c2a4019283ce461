"""Export a sentence-transformers BERT model to int8 ONNX: ``python -m mtqa.embed.onnx_export MODEL TARGET``.

The graph includes mean pooling and L2 normalisation, so it maps token ids
straight to the sentence vector that ``SentenceTransformer.encode`` gives. The
token model beside it (``token_model_path``) is the first ``TOKEN_LAYER`` layers
alone: each token's state there is what the word aligner reads.
The MatMul weights are quantised to int8 per output channel (dynamic
quantisation: activations are quantised at run time). Per-channel scales keep
the mean cosine with the fp32 model at about 0.99; one scale per tensor gives
about 0.96. Only this module imports torch; ``mtqa.embed.onnx`` runs it in a
subprocess, once per model, and caches the result.
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
from pathlib import Path

from mtqa.embed.base import TOKEN_LAYER
from mtqa.offline import go_offline

# Bump when the recipe changes, so cached exports are rebuilt.
RECIPE = f"mean-pool-normalize|token-model-{TOKEN_LAYER}-layers|opset17|int8-per-channel-matmul|v3"
OPSET = 17


def export(model_dir: Path, target: Path) -> None:
    """Write the int8 ONNX model of ``model_dir`` to ``target`` (atomically)."""
    go_offline()
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    encoder = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class SentenceEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    class TokenEncoder(torch.nn.Module):
        """The first ``TOKEN_LAYER`` layers only: what the word aligner reads, at half the cost of all six."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = copy.deepcopy(encoder)
            self.encoder.encoder.layer = self.encoder.encoder.layer[:TOKEN_LAYER]

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            states: torch.Tensor = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            return states

    sample = tokenizer(["An example sentence.", "Another, longer example sentence."], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as folder:
        # onnxruntime's quantiser writes scratch files (sym_shape_infer_temp.onnx and its
        # external data) into the working folder: make that a folder of ours.
        previous = os.getcwd()
        os.chdir(folder)
        # the token model first: the sentence model at ``target`` marks a finished export
        for module, output, path in (
            (TokenEncoder(), "token_states", token_model_path(target)),
            (SentenceEncoder(), "sentence_embedding", target),
        ):
            fp32, int8 = Path(folder) / "fp32.onnx", Path(folder) / "int8.onnx"
            torch.onnx.export(
                module.eval(),
                tuple(sample[name] for name in names),
                str(fp32),
                input_names=names,
                output_names=[output],
                dynamic_axes={
                    **{name: {0: "batch", 1: "tokens"} for name in names},
                    output: {0: "batch"} if output == "sentence_embedding" else {0: "batch", 1: "tokens"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
            quantize_dynamic(
                str(fp32), str(int8), per_channel=True, op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8
            )
            os.replace(int8, path)
        os.chdir(previous)


def token_model_path(target: Path) -> Path:
    """Where the export of ``target`` keeps its token model (the first ``TOKEN_LAYER`` layers)."""
    return target.with_name(target.name.removesuffix(".int8.onnx") + ".tokens.int8.onnx")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m mtqa.embed.onnx_export MODEL_DIR TARGET")
    export(Path(sys.argv[1]), Path(sys.argv[2]))
