"""The floor every other part of `collector` stands on, and that imports none of them:
exit codes and errors, file locations, time values a user types, text made safe for a
terminal, and the masking of credentials in everything growthmap writes."""
