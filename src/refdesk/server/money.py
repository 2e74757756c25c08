"""Money on the wire (contract §11.7): JSON numbers and ``formatted`` strings."""

from __future__ import annotations

from decimal import Decimal

SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£"}


def amount_json(amount: Decimal) -> int | float:
    """``45``, ``45.5``, ``45.25``: no trailing zeros promised."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


def formatted(amount: Decimal, currency: str) -> str:
    text = f"{amount.quantize(Decimal('0.01')):,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"
