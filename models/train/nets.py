"""The networks, in PyTorch, named as tinyrnn's safetensors importer reads them; export() gives the
weights and architecture JSON (common.save_safetensors writes them).

All run per 10 ms frame on the frontend's 40 log-mel features and emit per-frame logits; tinyrnn adds
the softmax. Inputs are scaled by INPUT_GAIN in training (features span ~0–40); export folds the
gain into the first layer's weights, so the shipped model takes the frontend's features as they are.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

INPUT_GAIN = 0.1


class RnnKws(nn.Module):
    def __init__(self, cell, inputs, hidden, layers, classes):
        super().__init__()
        self.cell = cell
        self.rnn = (nn.GRU if cell == "gru" else nn.LSTM)(inputs, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, classes)
        self.inputs, self.hidden, self.layers, self.classes = inputs, hidden, layers, classes

    def forward(self, x):  # [B, T, F] → [B, T, K]
        y, _ = self.rnn(x * INPUT_GAIN)
        return self.fc(y)

    def export(self):
        sd = {k: v.detach().clone() for k, v in self.state_dict().items()}
        sd["rnn.weight_ih_l0"] *= INPUT_GAIN
        arch = [{"type": self.cell, "prefix": "rnn", "input": self.inputs, "hidden": self.hidden, "numLayers": self.layers},
                {"type": "linear", "prefix": "fc", "input": self.hidden, "output": self.classes, "activation": "softmax"}]
        return sd, arch


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Mixer(nn.Module):
    """Mamba's selective SSM mixer (mamba_ssm names), run over whole sequences for training."""

    def __init__(self, d_model, d_state, d_conv, expand, dt_rank, dt_min=1e-3, dt_max=1e-1):
        super().__init__()
        d_inner = expand * d_model
        self.d_inner, self.d_state, self.d_conv, self.dt_rank = d_inner, d_state, d_conv, dt_rank
        self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=False)
        self.conv1d = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner, padding=d_conv - 1, bias=True)
        self.x_proj = nn.Linear(d_inner, dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(dt_rank, d_inner, bias=True)
        dt_init_std = dt_rank ** -0.5
        nn.init.uniform_(self.dt_proj.weight, -dt_init_std, dt_init_std)
        dt = torch.exp(torch.rand(d_inner) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)).clamp(min=1e-4)
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32).repeat(d_inner, 1)))
        self.D = nn.Parameter(torch.ones(d_inner))
        self.out_proj = nn.Linear(d_inner, d_model, bias=False)

    def forward(self, h):  # [B, T, M]
        B_, T, _ = h.shape
        x, z = self.in_proj(h).chunk(2, dim=-1)
        x = self.conv1d(x.transpose(1, 2))[..., :T].transpose(1, 2)  # causal depthwise conv
        x = F.silu(x)
        dt, Bm, Cm = torch.split(self.x_proj(x), [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = F.softplus(self.dt_proj(dt))                      # [B, T, Di]
        A = -torch.exp(self.A_log)                             # [Di, N]
        dA = torch.exp(dt.unsqueeze(-1) * A)                   # [B, T, Di, N]
        dBx = (dt * x).unsqueeze(-1) * Bm.unsqueeze(2)         # [B, T, Di, N]
        s = torch.zeros(B_, self.d_inner, self.d_state)
        ys = []
        # unbind, not dA[:, t]: indexing's backward would write a full-size zero gradient per step
        for a, bx, c in zip(dA.unbind(1), dBx.unbind(1), Cm.unbind(1)):
            s = s * a + bx
            ys.append(torch.bmm(s, c.unsqueeze(-1)).squeeze(-1))
        y = torch.stack(ys, dim=1) + self.D * x
        return self.out_proj(y * F.silu(z))


class Block(nn.Module):
    def __init__(self, d_model, **kw):
        super().__init__()
        self.mixer = Mixer(d_model, **kw)
        self.norm = RMSNorm(d_model)

    def forward(self, h):
        return h + self.mixer(self.norm(h))


class Backbone(nn.Module):
    def __init__(self, d_model, n_layer, **kw):
        super().__init__()
        self.layers = nn.ModuleList([Block(d_model, **kw) for _ in range(n_layer)])


class MambaKws(nn.Module):
    """Linear 40→d_model, Mamba blocks, final RMSNorm, linear head."""

    def __init__(self, inputs, d_model, n_layer, classes, d_state=16, d_conv=4, expand=2, dt_rank=None):
        super().__init__()
        self.cfg = dict(d_state=d_state, d_conv=d_conv, expand=expand, dt_rank=dt_rank or math.ceil(d_model / 16))
        self.proj_in = nn.Linear(inputs, d_model)
        self.backbone = Backbone(d_model, n_layer, **self.cfg)
        self.norm_f = RMSNorm(d_model)
        self.fc = nn.Linear(d_model, classes)
        self.inputs, self.d_model, self.n_layer, self.classes = inputs, d_model, n_layer, classes

    def forward(self, x):
        h = self.proj_in(x * INPUT_GAIN)
        for b in self.backbone.layers:
            h = b(h)
        return self.fc(self.norm_f(h))

    def export(self):
        sd = {k: v.detach().clone() for k, v in self.state_dict().items()}
        sd["proj_in.weight"] *= INPUT_GAIN
        c = self.cfg
        arch = [{"type": "linear", "prefix": "proj_in", "input": self.inputs, "output": self.d_model, "activation": "none"},
                {"type": "mamba", "prefix": "backbone.layers", "hidden_size": self.d_model, "state_size": c["d_state"],
                 "conv_kernel": c["d_conv"], "expand": c["expand"], "time_step_rank": c["dt_rank"], "num_hidden_layers": self.n_layer,
                 "layer_norm_epsilon": 1e-5},
                {"type": "rmsnorm", "prefix": "norm_f", "size": self.d_model, "eps": 1e-5},
                {"type": "linear", "prefix": "fc", "input": self.d_model, "output": self.classes, "activation": "softmax"}]
        return sd, arch


def make(kind, classes, size):
    if kind in ("gru", "lstm"):
        return RnnKws(kind, 40, size, 2, classes)
    if kind == "ssm":
        return MambaKws(40, size, 2, classes)
    raise ValueError(kind)


def count_params(m):
    return sum(p.numel() for p in m.parameters())
