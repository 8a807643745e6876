"""The model rules read: claims, service lines and TARs, with positions."""
from .claims import Claim, OtherPayer, ServiceLine
from .common import Pos, Transaction
from .tars import TarRequest, TarResponse, TarService

__all__ = ["Claim", "OtherPayer", "ServiceLine", "Pos", "Transaction", "TarRequest",
           "TarResponse", "TarService"]
