"""Inference precision / execution modes (bf16 / fp16 autocast, channels_last, compile) for a detector."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields

import torch
from torch import Tensor, nn

PRECISIONS = {'fp32': None, 'bf16': torch.bfloat16, 'fp16': torch.float16}
COMPILE_TARGETS = ('backbone', 'pixel_decoder')
# the pixel decoder is left out: in a trial, int8 value / output projections of its deformable attention
# changed several percent of the pixel winners at 320x480 and ran slower (docs/PERFORMANCE.md)
QUANTIZE_TARGETS = ('backbone',)


@dataclass
class InferenceModes:
    """How ``predict`` runs the network (backbone, pixel decoder, query decoder); fusion stays in fp32.

    Args:
        precision: ``'fp32'`` (default: the exact-parity reference), ``'bf16'`` (autocast, CPU or GPU) or
            ``'fp16'`` (autocast, GPU only).
        channels_last: the backbone weights and input in ``torch.channels_last`` (same values in fp32).
        compile: modules to wrap in ``torch.compile``, of ``('backbone', 'pixel_decoder')``.
        inference_mode: run ``predict`` under ``torch.inference_mode`` (else ``torch.no_grad``).
        lean_decoder: the query decoder computes only the last prediction set; the earlier layers give just
            their attention masks, from the mask features resampled to the attention size (equal up to
            rounding; :meth:`OMGSegHead.decode`).
        quantize: modules, of ``('backbone',)``, whose ``nn.Linear`` layers become int8
            dynamically quantized ones (``torch.ao.quantization.quantize_dynamic``, CPU only). This replaces
            the layers in place: the detector's state_dict changes, so apply it to a model used for
            inference only (load weights before the first ``predict``).

    ``decode`` (query decoder and open-vocabulary re-scoring) runs under the mode; its outputs are cast back
    to float32 before fusion, so the fusion's softmax / sigmoid / thresholds always run in fp32.
    Training is not affected (see AMP).
    """

    precision: str = 'fp32'
    channels_last: bool = False
    compile: Sequence[str] = ()
    inference_mode: bool = True
    lean_decoder: bool = False
    quantize: Sequence[str] = ()
    _applied: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f'inference_modes.precision={self.precision!r}: choose from '
                             f'{sorted(PRECISIONS)}')
        self.compile = _targets('compile', self.compile, COMPILE_TARGETS)
        self.quantize = _targets('quantize', self.quantize, QUANTIZE_TARGETS)

    @classmethod
    def build(cls, cfg: InferenceModes | dict | None) -> InferenceModes:
        """Modes from a config dict (None: the fp32 eager defaults); unknown keys are named."""
        if isinstance(cfg, InferenceModes):
            return cfg
        cfg = dict(cfg or {})
        allowed = {f.name for f in fields(cls) if f.init}
        unknown = sorted(set(cfg) - allowed)
        if unknown:
            raise ValueError(f'inference_modes: unknown keys {unknown}, allowed {sorted(allowed)}')
        return cls(**cfg)

    @property
    def is_reference(self) -> bool:
        """Whether this is the plain fp32 eager path (nothing to prepare, no autocast)."""
        return (self.precision == 'fp32' and not self.channels_last and not self.compile
                and not self.lean_decoder and not self.quantize)

    def autocast_dtype(self, device: torch.device) -> torch.dtype | None:
        """The autocast dtype on ``device`` (None for fp32); refuses modes the device cannot run."""
        dtype = PRECISIONS[self.precision]
        if dtype is torch.float16 and device.type == 'cpu':
            raise ValueError("inference_modes.precision='fp16' needs a GPU (CPU autocast runs bf16 only); "
                             "use precision='bf16' on the CPU")
        if dtype is torch.bfloat16 and device.type == 'cuda' and not torch.cuda.is_bf16_supported():
            raise ValueError(f"inference_modes.precision='bf16': {torch.cuda.get_device_name(device)} has no "
                             "bfloat16 support; use precision='fp16'")
        return dtype

    def prepare(self, detector: nn.Module) -> None:
        """Convert / quantize / compile the detector's modules once; set the head's decoder mode."""
        detector.panoptic_head.lean_decoder = self.lean_decoder
        for name in self.quantize:
            if not self._applied.get(f'quantize.{name}'):
                quantize_linears(compile_target(detector, name))
                self._applied[f'quantize.{name}'] = True
        if self.channels_last and not self._applied.get('channels_last'):
            detector.backbone.to(memory_format=torch.channels_last)
            self._applied['channels_last'] = True
        for name in self.compile:
            if not self._applied.get(name):
                compile_target(detector, name).compile()  # nn.Module.compile: in place, same state_dict
                self._applied[name] = True

    def inputs(self, batch_inputs: Tensor) -> Tensor:
        """The network input in the memory format of the mode."""
        if self.channels_last and batch_inputs.dim() == 4:
            return batch_inputs.contiguous(memory_format=torch.channels_last)
        return batch_inputs

    @contextlib.contextmanager
    def network(self, detector: nn.Module, device: torch.device) -> Iterator[None]:
        """Context of the network part of ``predict``: the modules prepared, inference_mode (or no_grad)
        and autocast if any."""
        dtype = self.autocast_dtype(device)
        if self.quantize and device.type != 'cpu':
            raise ValueError(f'inference_modes.quantize={list(self.quantize)}: int8 dynamic quantization '
                             f'runs on the CPU only, the model is on {device}')
        self.prepare(detector)
        grad_off = torch.inference_mode() if self.inference_mode else torch.no_grad()
        autocast = (torch.autocast(device.type, dtype=dtype) if dtype is not None
                    else contextlib.nullcontext())
        with grad_off, autocast:
            yield

    def run(self, detector: nn.Module, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` (a network part: ``detector.encode`` / ``decode``) under the modes, on
        the detector's device (results as the network gave them: cast decoder outputs with ``to_fp32``)."""
        with self.network(detector, next(detector.parameters()).device):
            return fn(*args, **kwargs)

    @staticmethod
    def to_fp32(outputs: tuple) -> tuple:
        """A tuple / NamedTuple of tensors with every floating tensor in float32 (others unchanged)."""
        values = [value.float() if isinstance(value, Tensor) and value.is_floating_point() else value
                  for value in outputs]
        return type(outputs)(*values) if hasattr(outputs, '_fields') else type(outputs)(values)


def compile_target(detector: nn.Module, name: str) -> nn.Module:
    """The module ``name`` of ``COMPILE_TARGETS`` inside an OMG-Seg detector."""
    if name == 'backbone':
        return detector.backbone
    return detector.panoptic_head.pixel_decoder


def _targets(option: str, names: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """``names`` as a tuple, refusing those not in ``allowed`` by name."""
    names = tuple(names)
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise ValueError(f'inference_modes.{option}={list(names)}: unknown {unknown}, '
                         f'choose from {list(allowed)}')
    return names


def quantize_linears(module: nn.Module) -> None:
    """Replace, in place, every ``nn.Linear`` inside ``module`` by an int8 dynamically quantized one."""
    import warnings

    from torch.ao.quantization import quantize_dynamic
    with warnings.catch_warnings():  # eager-mode quantization is deprecated in favour of torchao
        warnings.simplefilter('ignore')
        quantize_dynamic(module, {nn.Linear}, dtype=torch.qint8, inplace=True)
