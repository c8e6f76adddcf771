"""Stage 2: find mentions (money, quantities, growth, dates, periods, places, organizations) in text."""
