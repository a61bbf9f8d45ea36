"""The data layer: States, Convention status, facts, groupings, profiles."""
